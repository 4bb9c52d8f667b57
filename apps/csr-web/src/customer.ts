/** A customer as `GET /api/customers` answers it. */
export interface Customer {
  id: string
  name: string
  phone: string
}
