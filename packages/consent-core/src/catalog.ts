import type { ReconsentPolicy, VersionSummary } from './notice-version'
import { catalogOf, recordsOf } from './published-catalog'
import type { DecisionState, Language } from './types'

export type PurposeStatus = 'active' | 'retired'

/**
 * One processing purpose the operator asks consent for, with its current notice text (SPEC 1.4).
 * A catalog kept as data (SPEC 1.6) also gives the current version's hash and policy, and every
 * version it published, newest first, without their texts.
 */
export interface Purpose {
  id: string
  /** Version of the notice text; a decision records the version the person saw. */
  version: string
  /** Versions published before `version`, still valid for decisions made under them (SPEC 2.11). */
  earlierVersions?: readonly string[]
  /** State when nobody has decided: `withdrawn` for every opt-in purpose. */
  default: DecisionState
  title: Record<Language, string>
  notice: Record<Language, string>
  /** `retired`: no new grants, withdrawals always (SPEC 2.15); absent means active. */
  status?: PurposeStatus
  textHash?: string
  material?: boolean
  lifetimeDays?: number
  reconsent?: ReconsentPolicy
  /** Every published version, newest first (the first is `version`). */
  versions?: readonly VersionSummary[]
}

export interface PurposeCatalog {
  version: string
  purposes: readonly Purpose[]
}

export function findPurpose(catalog: PurposeCatalog, purposeId: string): Purpose | undefined {
  return catalog.purposes.find((p) => p.id === purposeId)
}

/** Whether the catalog published `version` of the purpose's notice (the current one or an earlier one). */
export function isPublishedVersion(purpose: Purpose, version: string): boolean {
  if (purpose.versions) return purpose.versions.some((v) => v.version === version)
  return version === purpose.version || (purpose.earlierVersions?.includes(version) ?? false)
}

/** The published version's summary, when the catalog lists its versions. */
export function versionOf(purpose: Purpose, version: string): VersionSummary | undefined {
  return purpose.versions?.find((v) => v.version === version)
}

export function isRetired(purpose: Purpose): boolean {
  return purpose.status === 'retired'
}

/** The time the compiled catalog's versions count as published (what demo mode seeds). */
export const DEFAULT_CATALOG_PUBLISHED_AT = '2026-11-01T00:00:00.000Z'

/** The default catalog of a telecom operator, as compiled. Every purpose is opt-in. */
export const COMPILED_CATALOG: PurposeCatalog = {
  version: '2026-11-01',
  purposes: [
    {
      id: 'personalised-offers',
      version: '1.2',
      default: 'withdrawn',
      title: {
        en: 'Personalised offers',
        si: 'පුද්ගලීකරණය කළ දීමනා',
        ta: 'தனிப்பயனாக்கப்பட்ட சலுகைகள்',
      },
      notice: {
        en: 'We use your plan, top-ups and usage to choose offers for you. You can withdraw at any time; your service does not change.',
        si: 'ඔබ වෙනුවෙන් දීමනා තෝරා ගැනීමට අපි ඔබේ පැකේජය, රීලෝඩ් සහ භාවිතය යොදා ගනිමු. ඔබට ඕනෑම වේලාවක මෙම කැමැත්ත ඉවත් කර ගත හැකි අතර, ඔබේ සේවාව වෙනස් නොවේ.',
        ta: 'உங்களுக்கான சலுகைகளைத் தேர்ந்தெடுக்க உங்கள் திட்டம், ரீசார்ஜ்கள் மற்றும் பயன்பாட்டை நாங்கள் பயன்படுத்துகிறோம். எந்த நேரத்திலும் நீங்கள் இதைத் திரும்பப் பெறலாம்; உங்கள் சேவை மாறாது.',
      },
    },
    {
      id: 'marketing-sms',
      version: '1.0',
      default: 'withdrawn',
      title: {
        en: 'Marketing messages by SMS',
        si: 'කෙටි පණිවිඩ (SMS) මගින් අලෙවිකරණ පණිවිඩ',
        ta: 'குறுஞ்செய்தி (SMS) மூலம் சந்தைப்படுத்தல் செய்திகள்',
      },
      notice: {
        en: 'We may send you news about products and promotions by SMS, at most a few times a week.',
        si: 'නිෂ්පාදන සහ ප්‍රවර්ධන පිළිබඳ පුවත් අපි ඔබට කෙටි පණිවිඩ මගින් එවිය හැකිය; සතියකට වාර කිහිපයකට වඩා නොවේ.',
        ta: 'தயாரிப்புகள் மற்றும் விளம்பரங்கள் பற்றிய செய்திகளை வாரத்திற்கு சில முறைகளுக்கு மிகாமல் குறுஞ்செய்தி மூலம் உங்களுக்கு அனுப்பலாம்.',
      },
    },
    {
      id: 'marketing-email',
      version: '1.0',
      default: 'withdrawn',
      title: {
        en: 'Marketing messages by e-mail',
        si: 'විද්‍යුත් තැපෑල මගින් අලෙවිකරණ පණිවිඩ',
        ta: 'மின்னஞ்சல் மூலம் சந்தைப்படுத்தல் செய்திகள்',
      },
      notice: {
        en: 'We may send you news about products and promotions by e-mail. Every message has a link to stop them.',
        si: 'නිෂ්පාදන සහ ප්‍රවර්ධන පිළිබඳ පුවත් අපි ඔබට විද්‍යුත් තැපෑලෙන් එවිය හැකිය. සෑම පණිවිඩයකම ඒවා නැවැත්වීමට සබැඳියක් ඇත.',
        ta: 'தயாரிப்புகள் மற்றும் விளம்பரங்கள் பற்றிய செய்திகளை மின்னஞ்சல் மூலம் உங்களுக்கு அனுப்பலாம். ஒவ்வொரு செய்தியிலும் அவற்றை நிறுத்துவதற்கான இணைப்பு இருக்கும்.',
      },
    },
    {
      id: 'marketing-push',
      version: '1.0',
      default: 'withdrawn',
      title: {
        en: 'Marketing notifications in the app',
        si: 'යෙදුම තුළ අලෙවිකරණ දැනුම්දීම්',
        ta: 'செயலியில் சந்தைப்படுத்தல் அறிவிப்புகள்',
      },
      notice: {
        en: 'We may show promotions as notifications from our app.',
        si: 'අපගේ යෙදුමේ දැනුම්දීම් ලෙස අපි ප්‍රවර්ධන පෙන්විය හැකිය.',
        ta: 'எங்கள் செயலியில் அறிவிப்புகளாக விளம்பரங்களைக் காட்டலாம்.',
      },
    },
    {
      id: 'usage-analytics',
      version: '2.0',
      default: 'withdrawn',
      title: {
        en: 'Analytics on how you use our services',
        si: 'ඔබ අපගේ සේවා භාවිත කරන ආකාරය පිළිබඳ විශ්ලේෂණ',
        ta: 'எங்கள் சேவைகளை நீங்கள் பயன்படுத்தும் விதம் பற்றிய பகுப்பாய்வு',
      },
      notice: {
        en: 'We analyse how you use calls, data and our app to improve the network and our services. Results are used in aggregate only.',
        si: 'ජාලය සහ අපගේ සේවා වැඩිදියුණු කිරීම සඳහා ඔබ ඇමතුම්, දත්ත සහ අපගේ යෙදුම භාවිත කරන ආකාරය අපි විශ්ලේෂණය කරමු. ප්‍රතිඵල භාවිත වන්නේ සමූහිත ලෙස පමණි.',
        ta: 'நெட்வொர்க்கையும் எங்கள் சேவைகளையும் மேம்படுத்த, அழைப்புகள், தரவு மற்றும் எங்கள் செயலியை நீங்கள் எவ்வாறு பயன்படுத்துகிறீர்கள் என்பதை நாங்கள் பகுப்பாய்வு செய்கிறோம். முடிவுகள் தொகுக்கப்பட்ட வடிவில் மட்டுமே பயன்படுத்தப்படும்.',
      },
    },
    {
      id: 'partner-sharing',
      version: '1.1',
      default: 'withdrawn',
      title: {
        en: 'Sharing with partners',
        si: 'හවුල්කාර ආයතන සමඟ බෙදා ගැනීම',
        ta: 'கூட்டாளர்களுடன் பகிர்தல்',
      },
      notice: {
        en: 'We may share your name and contact details with selected partners (banks, insurers, retailers) so that they can make you offers.',
        si: 'තෝරාගත් හවුල්කරුවන්ට (බැංකු, රක්ෂණ සමාගම්, වෙළෙඳසැල්) ඔබට දීමනා ඉදිරිපත් කළ හැකි වන පරිදි, ඔබේ නම සහ සම්බන්ධතා විස්තර අපි ඔවුන් සමඟ බෙදා ගත හැකිය.',
        ta: 'தேர்ந்தெடுக்கப்பட்ட கூட்டாளர்கள் (வங்கிகள், காப்பீட்டு நிறுவனங்கள், சில்லறை விற்பனையாளர்கள்) உங்களுக்குச் சலுகைகளை வழங்கும் வகையில், உங்கள் பெயரையும் தொடர்பு விவரங்களையும் அவர்களுடன் பகிரலாம்.',
      },
    },
    {
      id: 'location-offers',
      version: '1.0',
      default: 'withdrawn',
      title: {
        en: 'Location-based offers',
        si: 'ස්ථානය පදනම් කරගත් දීමනා',
        ta: 'இருப்பிடம் சார்ந்த சலுகைகள்',
      },
      notice: {
        en: 'We use the location of your phone, from our network, to send you offers from shops near you.',
        si: 'ඔබ අසල ඇති වෙළෙඳසැල්වල දීමනා එවීම සඳහා, අපගේ ජාලය හරහා ලැබෙන ඔබේ දුරකථනයේ පිහිටීම අපි භාවිත කරමු.',
        ta: 'உங்களுக்கு அருகிலுள்ள கடைகளின் சலுகைகளை அனுப்ப, எங்கள் நெட்வொர்க்கிலிருந்து பெறப்படும் உங்கள் தொலைபேசியின் இருப்பிடத்தை நாங்கள் பயன்படுத்துகிறோம்.',
      },
    },
  ],
}

/**
 * The compiled catalog as a catalog kept as data serves it (SPEC 1.6): each purpose with its one
 * version published at `DEFAULT_CATALOG_PUBLISHED_AT`, hashed. Demo mode seeds exactly this, so
 * a client that bundles it judges and folds as the demo server does.
 */
export const DEFAULT_CATALOG: PurposeCatalog = (() => {
  const { purposes, versions } = recordsOf(COMPILED_CATALOG, DEFAULT_CATALOG_PUBLISHED_AT, 'consent-sync')
  return catalogOf(purposes, versions)
})()
