import type { Language } from '@consent-sync/consent-core'

/** The customer's sign-in page beyond the form itself; `{name}` marks a parameter. */
const en = {
  providerSignIn: 'Sign in with your {operator} account',
  passwordOtherwise: 'Or sign in with a username and password',
  demoHint: 'Demo: C-0001 … C-0005, password consent-demo',
  linkSignInFailed: 'Signing in with the link did not work. Sign in below, or open the link again.',
}

export type LoginTextKey = keyof typeof en

const si: Record<LoginTextKey, string> = {
  providerSignIn: 'ඔබගේ {operator} ගිණුමෙන් පිවිසෙන්න',
  passwordOtherwise: 'නැතහොත් පරිශීලක නාමයක් සහ මුරපදයක් සමඟ පිවිසෙන්න',
  demoHint: 'නිරූපණය: C-0001 … C-0005, මුරපදය consent-demo',
  linkSignInFailed: 'සබැඳිය මඟින් පිවිසීම සාර්ථක නොවීය. පහතින් පිවිසෙන්න, නැතහොත් සබැඳිය නැවත විවෘත කරන්න.',
}

const ta: Record<LoginTextKey, string> = {
  providerSignIn: 'உங்கள் {operator} கணக்கின் மூலம் உள்நுழைக',
  passwordOtherwise: 'அல்லது பயனர் பெயர் மற்றும் கடவுச்சொல் மூலம் உள்நுழைக',
  demoHint: 'செயல்விளக்கம்: C-0001 … C-0005, கடவுச்சொல் consent-demo',
  linkSignInFailed: 'இணைப்பின் மூலம் உள்நுழைய முடியவில்லை. கீழே உள்நுழையவும், அல்லது இணைப்பை மீண்டும் திறக்கவும்.',
}

const STRINGS: Record<Language, Record<LoginTextKey, string>> = { en, si, ta }

/** A sign-in page string in `lang`, with `{name}` parameters filled in. */
export function loginText(
  lang: Language,
  key: LoginTextKey,
  params?: Readonly<Record<string, string>>,
): string {
  const text = STRINGS[lang][key]
  return params ? text.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole) : text
}
