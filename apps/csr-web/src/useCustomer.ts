import { useEffect, useState } from 'react'
import type { Customer } from './customer'
import { useSession } from './SessionContext'

export type CustomerLookup =
  | { kind: 'loading' }
  | { kind: 'found'; customer: Customer }
  | { kind: 'failed'; notFound: boolean; message: string }

/** `GET /api/customers/:id`: the name and phone shown above a customer's consents. */
export function useCustomer(customerId: string): CustomerLookup {
  const { getJson } = useSession()
  const [state, setState] = useState<CustomerLookup>({ kind: 'loading' })
  useEffect(() => {
    let live = true
    setState({ kind: 'loading' })
    getJson<Customer>(`/api/customers/${encodeURIComponent(customerId)}`).then((res) => {
      if (!live) return
      setState(
        res.ok
          ? { kind: 'found', customer: res.value }
          : {
              kind: 'failed',
              notFound: res.reason === 'not-found' || res.reason === 'bad-request',
              message: res.message,
            },
      )
    })
    return () => {
      live = false
    }
  }, [customerId, getJson])
  return state
}
