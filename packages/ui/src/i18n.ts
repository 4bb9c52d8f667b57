import type { Channel, DecisionState, Language } from '@consent-sync/consent-core'

/** English UI strings; `{name}` marks a parameter. Sinhala and Tamil below follow the same keys. */
const en = {
  signIn: 'Sign in',
  signingIn: 'Signing in…',
  signOut: 'Sign out',
  username: 'Username',
  password: 'Password',
  signInFailed: 'Could not sign in. Check your connection and try again.',
  language: 'Language',
  statusSaved: 'Saved',
  statusSyncing: 'Syncing…',
  statusSavingOne: 'Saving… (1 change waiting)',
  statusSavingMany: 'Saving… ({n} changes waiting)',
  statusOffline: 'Offline — your changes stay on this device',
  statusOfflineOne: 'Offline — 1 change will sync when you reconnect',
  statusOfflineMany: 'Offline — {n} changes will sync when you reconnect',
  statusConnecting: 'Connecting…',
  stateGranted: 'Granted',
  stateWithdrawn: 'Withdrawn',
  waitingToSync: 'Waiting to sync',
  lastDecided: 'Last decided: {who}, at {when} (device time)',
  noDecision: 'No decision yet: {state} by default',
  conflictTitle: 'Two decisions were made at the same time',
  conflictBody: 'Two people decided at the same time without seeing each other’s choice:',
  conflictOutcome:
    'Until someone decides again, the privacy-safe answer applies: withdrawn. Choose again to settle it.',
  conflictHead: '{who}: {state}, at {when} (device time)',
  you: 'You',
  agentNamed: 'Agent {name} ({id})',
  agent: 'Agent {id}',
  customerNamed: 'Customer {name} ({id})',
  customer: 'The customer ({id})',
  channelWeb: 'on the web',
  channelApp: 'in the app',
  channelPhone: 'by phone',
  channelStore: 'in a store',
  channelImport: 'by import',
  historyTitle: 'History of your choices',
  colWhen: 'When (device time)',
  colPurpose: 'Purpose',
  colChoice: 'Choice',
  colWho: 'Who and how',
  historyEmpty: 'No decisions yet.',
  showMore: 'Show older entries',
  agentViewing: 'An agent, {name}, has your record open',
  agentEditing: 'An agent, {name}, is changing your record',
  presenceAlone: 'Nobody else has this record open',
  presenceOthers: 'Also viewing:',
  presenceCustomer: 'the customer ({name})',
  editing: 'editing',
  problemTitle: 'This device’s changes were not accepted',
  discard: 'Discard this device’s unsaved changes',
  dismiss: 'Dismiss',
  saved: 'Saved',
  signInAgain: 'Sign in again',
  staffUseCsr: 'This page is for customers. Staff accounts sign in at /csr/.',
  appTitle: 'Your privacy choices',
  purposesTitle: 'What we may use your data for',
  purposesIntro:
    'Each choice takes effect at once and works without a connection. You can change it at any time.',
  loading: 'Loading your choices…',
  changeByAgent: 'Customer service ({agent}) changed “{purpose}” {channel}: now {state}.',
  changeBy: '{who} changed “{purpose}” {channel}: now {state}.',
  changeConflicted: 'It conflicts with another choice, so it stays {state} until someone decides again.',
  hello: 'Hello, {name}',
} as const

export type UiKey = keyof typeof en

const si: Record<UiKey, string> = {
  signIn: 'පිවිසෙන්න',
  signingIn: 'පිවිසෙමින්…',
  signOut: 'ඉවත් වන්න',
  username: 'පරිශීලක නාමය',
  password: 'මුරපදය',
  signInFailed: 'පිවිසීමට නොහැකි විය. ඔබේ සම්බන්ධතාවය පරීක්ෂා කර නැවත උත්සාහ කරන්න.',
  language: 'භාෂාව',
  statusSaved: 'සුරකින ලදී',
  statusSyncing: 'සමමුහුර්ත වෙමින්…',
  statusSavingOne: 'සුරකිමින්… (වෙනස්කම් 1ක් රැඳී ඇත)',
  statusSavingMany: 'සුරකිමින්… (වෙනස්කම් {n}ක් රැඳී ඇත)',
  statusOffline: 'නොබැඳි — ඔබේ වෙනස්කම් මෙම උපාංගයේ රැඳේ',
  statusOfflineOne: 'නොබැඳි — නැවත සම්බන්ධ වූ විට වෙනස්කම් 1ක් සමමුහුර්ත වේ',
  statusOfflineMany: 'නොබැඳි — නැවත සම්බන්ධ වූ විට වෙනස්කම් {n}ක් සමමුහුර්ත වේ',
  statusConnecting: 'සම්බන්ධ වෙමින්…',
  stateGranted: 'එකඟයි',
  stateWithdrawn: 'ඉවත් කර ඇත',
  waitingToSync: 'සමමුහුර්ත වීමට රැඳී ඇත',
  lastDecided: 'අවසන් තීරණය: {who}, {when} (උපාංග වේලාව)',
  noDecision: 'තවම තීරණයක් නැත: පෙරනිමියෙන් {state}',
  conflictTitle: 'එකම වේලාවේ තීරණ දෙකක් ගෙන ඇත',
  conflictBody: 'දෙදෙනෙකු එකිනෙකාගේ තේරීම නොදැක එකම වේලාවේ තීරණය කළහ:',
  conflictOutcome: 'යමෙකු නැවත තීරණය කරන තුරු, පෞද්ගලිකත්වය ආරක්ෂා වන පිළිතුර අදාළ වේ: ඉවත් කර ඇත. එය විසඳීමට නැවත තෝරන්න.',
  conflictHead: '{who}: {state}, {when} (උපාංග වේලාව)',
  you: 'ඔබ',
  agentNamed: 'නියෝජිත {name} ({id})',
  agent: 'නියෝජිත {id}',
  customerNamed: 'පාරිභෝගික {name} ({id})',
  customer: 'පාරිභෝගිකයා ({id})',
  channelWeb: 'වෙබ් අඩවිය හරහා',
  channelApp: 'යෙදුම හරහා',
  channelPhone: 'දුරකථනයෙන්',
  channelStore: 'වෙළෙඳසැලේදී',
  channelImport: 'ආයාත කිරීමෙන්',
  historyTitle: 'ඔබේ තේරීම්වල ඉතිහාසය',
  colWhen: 'කවදාද (උපාංග වේලාව)',
  colPurpose: 'අරමුණ',
  colChoice: 'තේරීම',
  colWho: 'කවුද, කෙසේද',
  historyEmpty: 'තවම තීරණ නැත.',
  showMore: 'පැරණි ඇතුළත් කිරීම් පෙන්වන්න',
  agentViewing: 'නියෝජිතයෙකු වන {name} ඔබේ වාර්තාව විවෘත කර ඇත',
  agentEditing: 'නියෝජිතයෙකු වන {name} ඔබේ වාර්තාව වෙනස් කරමින් සිටී',
  presenceAlone: 'වෙන කිසිවෙකු මෙම වාර්තාව විවෘත කර නැත',
  presenceOthers: 'තවත් බලන්නන්:',
  presenceCustomer: 'පාරිභෝගිකයා ({name})',
  editing: 'වෙනස් කරමින්',
  problemTitle: 'මෙම උපාංගයේ වෙනස්කම් පිළිගනු නොලැබීය',
  discard: 'මෙම උපාංගයේ නොසුරැකි වෙනස්කම් ඉවත දමන්න',
  dismiss: 'වසන්න',
  saved: 'සුරකින ලදී',
  signInAgain: 'නැවත පිවිසෙන්න',
  staffUseCsr: 'මෙම පිටුව පාරිභෝගිකයින් සඳහාය. කාර්ය මණ්ඩල ගිණුම් /csr/ හි පිවිසෙයි.',
  appTitle: 'ඔබේ පෞද්ගලිකත්ව තේරීම්',
  purposesTitle: 'අපට ඔබේ දත්ත භාවිත කළ හැක්කේ කුමකටද',
  purposesIntro: 'සෑම තේරීමක්ම වහාම ක්‍රියාත්මක වන අතර සම්බන්ධතාවයක් නොමැතිවද ක්‍රියා කරයි. ඔබට ඕනෑම වේලාවක එය වෙනස් කළ හැකිය.',
  loading: 'ඔබේ තේරීම් පූරණය වෙමින්…',
  changeByAgent: 'පාරිභෝගික සේවාව ({agent}) {channel} “{purpose}” වෙනස් කළේය: දැන් {state}.',
  changeBy: '{who} {channel} “{purpose}” වෙනස් කළේය: දැන් {state}.',
  changeConflicted: 'එය වෙනත් තේරීමක් සමඟ ගැටෙන බැවින්, යමෙකු නැවත තීරණය කරන තුරු “{state}” ලෙස පවතී.',
  hello: 'ආයුබෝවන්, {name}',
}

const ta: Record<UiKey, string> = {
  signIn: 'உள்நுழைக',
  signingIn: 'உள்நுழைகிறது…',
  signOut: 'வெளியேறு',
  username: 'பயனர் பெயர்',
  password: 'கடவுச்சொல்',
  signInFailed: 'உள்நுழைய முடியவில்லை. உங்கள் இணைப்பைச் சரிபார்த்து மீண்டும் முயலவும்.',
  language: 'மொழி',
  statusSaved: 'சேமிக்கப்பட்டது',
  statusSyncing: 'ஒத்திசைக்கிறது…',
  statusSavingOne: 'சேமிக்கிறது… (1 மாற்றம் காத்திருக்கிறது)',
  statusSavingMany: 'சேமிக்கிறது… ({n} மாற்றங்கள் காத்திருக்கின்றன)',
  statusOffline: 'இணைப்பில் இல்லை — உங்கள் மாற்றங்கள் இந்தச் சாதனத்தில் இருக்கும்',
  statusOfflineOne: 'இணைப்பில் இல்லை — மீண்டும் இணைந்ததும் 1 மாற்றம் ஒத்திசைக்கப்படும்',
  statusOfflineMany: 'இணைப்பில் இல்லை — மீண்டும் இணைந்ததும் {n} மாற்றங்கள் ஒத்திசைக்கப்படும்',
  statusConnecting: 'இணைக்கிறது…',
  stateGranted: 'ஒப்புதல் அளிக்கப்பட்டது',
  stateWithdrawn: 'திரும்பப் பெறப்பட்டது',
  waitingToSync: 'ஒத்திசைக்கக் காத்திருக்கிறது',
  lastDecided: 'கடைசியாக முடிவு செய்தவர்: {who}, {when} (சாதன நேரம்)',
  noDecision: 'இன்னும் முடிவு இல்லை: இயல்பாக {state}',
  conflictTitle: 'ஒரே நேரத்தில் இரண்டு முடிவுகள் எடுக்கப்பட்டன',
  conflictBody: 'இருவர் ஒருவர் தேர்வை மற்றவர் பார்க்காமல் ஒரே நேரத்தில் முடிவு செய்தனர்:',
  conflictOutcome:
    'யாராவது மீண்டும் முடிவு செய்யும் வரை, தனியுரிமையைப் பாதுகாக்கும் பதில் பொருந்தும்: திரும்பப் பெறப்பட்டது. இதைத் தீர்க்க மீண்டும் தேர்வு செய்யவும்.',
  conflictHead: '{who}: {state}, {when} (சாதன நேரம்)',
  you: 'நீங்கள்',
  agentNamed: 'முகவர் {name} ({id})',
  agent: 'முகவர் {id}',
  customerNamed: 'வாடிக்கையாளர் {name} ({id})',
  customer: 'வாடிக்கையாளர் ({id})',
  channelWeb: 'இணையம் வழியாக',
  channelApp: 'செயலி வழியாக',
  channelPhone: 'தொலைபேசி மூலம்',
  channelStore: 'கடையில்',
  channelImport: 'இறக்குமதி மூலம்',
  historyTitle: 'உங்கள் தேர்வுகளின் வரலாறு',
  colWhen: 'எப்போது (சாதன நேரம்)',
  colPurpose: 'நோக்கம்',
  colChoice: 'தேர்வு',
  colWho: 'யார், எப்படி',
  historyEmpty: 'இன்னும் முடிவுகள் இல்லை.',
  showMore: 'பழைய பதிவுகளைக் காட்டு',
  agentViewing: 'முகவர் {name} உங்கள் பதிவைத் திறந்துள்ளார்',
  agentEditing: 'முகவர் {name} உங்கள் பதிவை மாற்றுகிறார்',
  presenceAlone: 'வேறு யாரும் இந்தப் பதிவைத் திறக்கவில்லை',
  presenceOthers: 'மேலும் பார்ப்பவர்கள்:',
  presenceCustomer: 'வாடிக்கையாளர் ({name})',
  editing: 'மாற்றுகிறார்',
  problemTitle: 'இந்தச் சாதனத்தின் மாற்றங்கள் ஏற்றுக்கொள்ளப்படவில்லை',
  discard: 'இந்தச் சாதனத்தில் சேமிக்கப்படாத மாற்றங்களை நீக்கு',
  dismiss: 'மூடு',
  saved: 'சேமிக்கப்பட்டது',
  signInAgain: 'மீண்டும் உள்நுழைக',
  staffUseCsr: 'இந்தப் பக்கம் வாடிக்கையாளர்களுக்கானது. பணியாளர் கணக்குகள் /csr/ இல் உள்நுழைய வேண்டும்.',
  appTitle: 'உங்கள் தனியுரிமைத் தேர்வுகள்',
  purposesTitle: 'உங்கள் தரவை நாங்கள் எதற்குப் பயன்படுத்தலாம்',
  purposesIntro: 'ஒவ்வொரு தேர்வும் உடனே நடைமுறைக்கு வரும், இணைப்பு இல்லாமலும் செயல்படும். எந்த நேரத்திலும் அதை மாற்றலாம்.',
  loading: 'உங்கள் தேர்வுகள் ஏற்றப்படுகின்றன…',
  changeByAgent: 'வாடிக்கையாளர் சேவை ({agent}) {channel} “{purpose}” என்பதை மாற்றியது: இப்போது {state}.',
  changeBy: '{who} {channel} “{purpose}” என்பதை மாற்றினார்: இப்போது {state}.',
  changeConflicted: 'இது மற்றொரு தேர்வுடன் முரண்படுவதால், யாராவது மீண்டும் முடிவு செய்யும் வரை “{state}” என்றே இருக்கும்.',
  hello: 'வணக்கம், {name}',
}

const STRINGS: Record<Language, Record<UiKey, string>> = { en, si, ta }

/** A UI string in `lang`, with `{name}` parameters filled in; English when a string is missing. */
export function t(lang: Language, key: UiKey, params?: Readonly<Record<string, string | number>>): string {
  const text = STRINGS[lang]?.[key] ?? en[key]
  if (!params) return text
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name]
    return value === undefined ? whole : String(value)
  })
}

const STATE_KEYS: Record<DecisionState, UiKey> = { granted: 'stateGranted', withdrawn: 'stateWithdrawn' }
const CHANNEL_KEYS: Record<Channel, UiKey> = {
  web: 'channelWeb',
  app: 'channelApp',
  phone: 'channelPhone',
  store: 'channelStore',
  import: 'channelImport',
}

export function stateLabel(lang: Language, state: DecisionState): string {
  return t(lang, STATE_KEYS[state])
}

export function channelLabel(lang: Language, channel: Channel): string {
  return t(lang, CHANNEL_KEYS[channel])
}

const LOCALES: Record<Language, string> = { en: 'en-GB', si: 'si-LK', ta: 'ta-LK' }

/** A device time, in the reader's language; the raw text when it does not parse. */
export function formatTime(lang: Language, iso: string): string {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return iso
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'medium', timeStyle: 'short' }).format(ms)
}

/** Names of the languages, each in its own script. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { en: 'English', si: 'සිංහල', ta: 'தமிழ்' }
