export type { PageOptions } from './page-config'
export { pageConfig } from './page-config'
export type { PageHtml } from './page-html'
export { pageHtml } from './page-html'
