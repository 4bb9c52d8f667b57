/** The harness side of the load generator: a forked child process answering one task at a time. */
import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import type { Task, TaskResults } from '../loadgen/tasks'
import { stopChild, track } from './children'
import { withOpenFilesRaised } from './limits'

export interface LoadgenProcess {
  /** Runs one task; rejects when it fails, the load generator dies or `timeoutMs` passes. */
  request<T extends Task>(task: T, timeoutMs?: number): Promise<TaskResults[T['task']]>
  stop(): Promise<void>
}

export function startLoadgen(): LoadgenProcess {
  // Spawned with an IPC channel (what fork does) through sh, to raise its open-files limit (lib/limits.ts).
  const main = path.join(import.meta.dirname, '../loadgen/main.ts')
  const [file, args] = withOpenFilesRaised(process.execPath, ['--import', 'tsx', main])
  const child: ChildProcess = spawn(file, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  track(child)
  let nextId = 1
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  child.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: string }) => {
    const w = waiting.get(m.id)
    waiting.delete(m.id)
    if (m.ok) w?.resolve(m.result)
    else w?.reject(new Error(`loadgen: ${m.error}`))
  })
  // A dead child's channel errors on send; the pending requests are rejected on 'exit' below.
  child.on('error', () => {})
  child.once('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`loadgen exited (${code})`))
    waiting.clear()
  })
  return {
    request<T extends Task>(task: T, timeoutMs = 180_000) {
      const id = nextId++
      return new Promise<TaskResults[T['task']]>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(id)
          reject(new Error(`loadgen task ${task.task} took over ${timeoutMs} ms`))
        }, timeoutMs)
        waiting.set(id, {
          resolve: (v) => {
            clearTimeout(timer)
            resolve(v as TaskResults[T['task']])
          },
          reject: (e) => {
            clearTimeout(timer)
            reject(e)
          },
        })
        if (!child.connected) {
          waiting.delete(id)
          clearTimeout(timer)
          return reject(new Error('loadgen is not running'))
        }
        child.send({ id, ...task })
      })
    },
    stop: () => stopChild(child),
  }
}
