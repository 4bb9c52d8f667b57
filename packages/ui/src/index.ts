// Components take state and callbacks as props; they reach no sync client, network or storage.
export { AccountTable, type AccountTableProps } from './AccountTable'
export {
  type AdminAuditEntry,
  AdminAuditTable,
  type AdminAuditTableProps,
  describeAdminAction,
} from './AdminAuditTable'
export { AppFrame, type AppFrameProps } from './AppFrame'
export { AuditTable, type AuditTableProps } from './AuditTable'
export {
  ACCOUNT_ROLES,
  type Account,
  type AccountRefusal,
  type AccountRole,
  type NewAccountBody,
  PASSWORD_RULES,
  roleLabel,
} from './accounts'
export { ConsentList, type ConsentListProps, type ConsentRowsProps } from './ConsentList'
export { type AgentDecision, ConsentPanel, type ConsentPanelProps } from './ConsentPanel'
export { ConsentRow, type ConsentRowProps } from './ConsentRow'
export { useChangeToast } from './change-notices'
export { DecisionForm, type DecisionFormProps } from './DecisionForm'
export { DraftPreview, type DraftPreviewProps } from './DraftPreview'
export {
  AGENT_CHANNELS,
  type AgentChannel,
  checkDecisionForm,
  type DecisionFormValue,
  EMPTY_FORM,
  EVIDENCE_MAX,
  type FormCheck,
} from './decision-form-state'
export {
  type ActorNames,
  type ChangeContext,
  type ChangeNotice,
  describeActor,
  describeChange,
  describeDecision,
  purposeTitle,
} from './describe'
export { Field, type FieldProps } from './Field'
export { HistoryTable, type HistoryTableProps } from './HistoryTable'
export { channelLabel, formatTime, LANGUAGE_NAMES, stateLabel, t, type UiKey } from './i18n'
export { LanguageSwitch, type LanguageSwitchProps } from './LanguageSwitch'
export { LoginForm, type LoginFormProps } from './LoginForm'
export { localDateAndTime, localTimeOfDay } from './local-time'
export { type LoginTextKey, loginText } from './login-text'
export { NewAccountForm, type NewAccountFormProps } from './NewAccountForm'
export { type AgreedNotice, NoticeChange, type NoticeChangeProps } from './NoticeChange'
export { NoticeDraftForm, type NoticeDraftFormProps, type PublishRefusal } from './NoticeDraftForm'
export {
  checkDraft,
  type DraftCheck,
  type DraftField,
  draftFor,
  type NewPurposeBody,
  type NewVersionBody,
  type NoticeDraft,
} from './notice-draft'
export { PresenceBar, type PresenceBarProps } from './PresenceBar'
export { ProblemBanner, type ProblemBannerProps } from './ProblemBanner'
export { PurposeCatalogTable, type PurposeCatalogTableProps } from './PurposeCatalogTable'
export { StateChange } from './StateChange'
export { StatusBadge, type StatusBadgeProps, statusText } from './StatusBadge'
export { ConsentSwitch, type ConsentSwitchProps } from './Switch'
export type { PresenceEntry, SyncProblem, SyncStatus } from './sync-view'
export {
  type ShowToast,
  type ToastKind,
  type ToastOptions,
  ToastProvider,
  ToastRegion,
  type ToastRegionProps,
  useToast,
} from './Toast'
export { WebhookDeliveries, type WebhookDeliveriesProps } from './WebhookDeliveries'
export {
  WebhookConfirmDialog,
  type WebhookConfirmDialogProps,
  WebhookSecretDialog,
  type WebhookSecretDialogProps,
} from './WebhookDialogs'
export { type PurposeOption, WebhookForm, type WebhookFormProps } from './WebhookForm'
export { type RotateAnswer, WebhookTable, type WebhookTableProps } from './WebhookTable'
export {
  DELIVERY_STATUSES,
  type DeliveryStatus,
  endpointStatusText,
  localInputToRfc3339,
  type NewWebhookBody,
  WEBHOOK_EVENTS,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookEvent,
  type WebhookRefusal,
} from './webhooks'
export { type DiffPart, wordDiff } from './word-diff'
