import { monotonicFactory } from 'ulid';
import { ErasureInProgressError, NotFoundError, ValidationError } from '../common/errors';
import { ERASED_KINDS, ERASURE_PHASES, type Erasure } from './erasure-resources';
import type { TenantFootprint, TenantStore } from './tenant-service';
import { assertTenantId } from './tenants';

export type ErasedKind = (typeof ERASED_KINDS)[number];
export type ErasurePhase = (typeof ERASURE_PHASES)[number];

export type ErasureStatus = Erasure['status'];

/** One page of a phase: the keys to delete (opaque to the core) and what each is. */
export interface ErasurePage<Key = unknown> {
  /** Without a kind: removed along with a counted item (a key's reference under its tenant). */
  items: { key: Key; kind?: ErasedKind }[];
}

/** Owner of the erasure records and of the deletes (lambdas/adapters/erasure-repository.ts). */
export interface ErasureStore {
  /**
   * Records the erasure and marks the tenant as erasing, both or neither; answers the erasure already running for
   * that tenant instead when there is one.
   */
  start(erasure: Erasure): Promise<{ started: true } | { started: false; runningErasureId: string }>;
  /**
   * Makes every webhook of the tenant a tombstone (the deliver lanes and fan-out read it as deleted, at no extra
   * read) and revokes its keys and portal tokens; answers the webhook ids.
   */
  seal(tenantId: string, erasureId: string): Promise<string[]>;
  get(erasureId: string): Promise<Erasure | undefined>;
  /** The running erasure of a tenant, or the one that erased it. */
  markerOf(tenantId: string): Promise<{ erasureId: string; status: ErasureStatus } | undefined>;
  /** The next page of a phase (at most `limit` items), empty when the phase is done. */
  nextPage(erasure: Erasure, phase: ErasurePhase, limit: number): Promise<ErasurePage>;
  /**
   * Adds the counts of the page's items that the previous page did not have, and keeps this page's keys: a page is
   * wholly deleted before the next is read, so only a run that stopped after counting (or half-way through the
   * deletes) meets items counted already, and those are not counted again.
   */
  countOnce(erasureId: string, phase: ErasurePhase, page: ErasurePage): Promise<void>;
  remove(page: ErasurePage): Promise<void>;
  /** Counts what is left of the tenant anywhere it can be. */
  itemsLeft(erasure: Erasure): Promise<number>;
  finish(erasureId: string, check: { itemsLeft: number; checkedAt: string }): Promise<void>;
}

export interface ErasureJobQueue {
  send(job: ErasureJob): Promise<void>;
}

export interface ErasureJob {
  erasureId: string;
}

export function parseErasureJob(body: string): ErasureJob | undefined {
  try {
    const job = JSON.parse(body) as Partial<ErasureJob>;
    return typeof job.erasureId === 'string' && ERASURE_ID_PATTERN.test(job.erasureId)
      ? { erasureId: job.erasureId }
      : undefined;
  } catch {
    return undefined;
  }
}

const nextUlid = monotonicFactory();
export const newErasureId = (): string => `ers_${nextUlid()}`;
export const ERASURE_ID_PATTERN = /^ers_[0-9A-HJKMNP-TV-Z]{26}$/;

export const emptyCounts = (): Record<ErasedKind, number> =>
  Object.fromEntries(ERASED_KINDS.map((kind) => [kind, 0])) as Record<ErasedKind, number>;

/** Items per page: one BatchWriteItem of deletes. */
export const ERASURE_PAGE_SIZE = 25;
/** Pages per run of the worker (one queue message): a run stays far inside the function's timeout. */
export const ERASURE_PAGES_PER_RUN = 40;

/**
 * `DELETE /admin/tenants/{tenantId}` and `GET /admin/erasures/{erasureId}`: the erasure is recorded and the tenant
 * sealed (its webhooks tombstoned, its keys revoked) before the answer, so no attempt of it begins after the 202 (one
 * already under way, its webhook read before the seal, may still arrive); the deletes run in the background
 * (ErasureWorker).
 */
export class TenantErasureService {
  private readonly now: () => Date;

  constructor(
    private readonly options: {
      tenants: Pick<TenantStore, 'get'>;
      footprint: TenantFootprint;
      store: ErasureStore;
      jobs: ErasureJobQueue;
      now?: () => Date;
    },
  ) {
    this.now = options.now ?? (() => new Date());
  }

  async begin(tenantId: string | undefined): Promise<Erasure> {
    const id = assertTenantId(tenantId);
    const { tenants, footprint, store, jobs } = this.options;
    const marker = await store.markerOf(id);
    if (marker?.status === 'running') throw new ErasureInProgressError(marker.erasureId);
    const [tenant, webhookCount] = await Promise.all([tenants.get(id), footprint.webhookCount(id)]);
    if (!tenant && webhookCount === 0 && !(await footprint.hasApiKeys(id)))
      throw new NotFoundError(`No tenant ${id}: it has no tenant item, webhooks or API keys`);
    const erasure: Erasure = {
      erasureId: newErasureId(),
      tenantId: id,
      status: 'running',
      removed: emptyCounts(),
      webhookIds: [],
      startedAt: this.now().toISOString(),
    };
    const started = await store.start(erasure);
    if (!started.started) throw new ErasureInProgressError(started.runningErasureId);
    erasure.webhookIds = await store.seal(id, erasure.erasureId);
    await jobs.send({ erasureId: erasure.erasureId });
    return erasure;
  }

  async get(erasureId: string | undefined): Promise<Erasure> {
    if (erasureId === undefined || !ERASURE_ID_PATTERN.test(erasureId))
      throw new ValidationError('Invalid erasure id', [{ path: 'erasureId', message: 'must be ers_ and a ULID' }]);
    const erasure = await this.options.store.get(erasureId);
    if (!erasure) throw new NotFoundError(`No erasure ${erasureId}`);
    return erasure;
  }
}

/**
 * One run of an erasure (a message of the erasures queue): pages of at most ERASURE_PAGE_SIZE items, each counted
 * once and then deleted, phase after phase, from whatever the table still holds. A run that crashes is run again
 * and resumes where the table says; a run that reaches its page budget asks to be sent on. At the end, the final
 * check counts what is left and the erasure is completed.
 */
export class ErasureWorker {
  private readonly now: () => Date;

  constructor(
    private readonly store: ErasureStore,
    private readonly options: { pageSize?: number; pagesPerRun?: number; now?: () => Date } = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** `continue` when the run stopped at its page budget (the caller sends the job on). */
  async run(job: ErasureJob): Promise<'completed' | 'continue' | 'unknown'> {
    const erasure = await this.store.get(job.erasureId);
    if (!erasure) return 'unknown';
    if (erasure.status === 'completed') return 'completed';
    const pageSize = this.options.pageSize ?? ERASURE_PAGE_SIZE;
    let budget = this.options.pagesPerRun ?? ERASURE_PAGES_PER_RUN;
    const from = erasure.phase ? ERASURE_PHASES.indexOf(erasure.phase) : 0;
    for (const phase of ERASURE_PHASES.slice(from)) {
      for (;;) {
        if (budget-- <= 0) return 'continue';
        const page = await this.store.nextPage(erasure, phase, pageSize);
        if (page.items.length === 0) break;
        await this.store.countOnce(erasure.erasureId, phase, page);
        await this.store.remove(page);
      }
    }
    const itemsLeft = await this.store.itemsLeft(erasure);
    await this.store.finish(erasure.erasureId, { itemsLeft, checkedAt: this.now().toISOString() });
    return 'completed';
  }
}

/**
 * Asked by the deliver lanes only about a delivery whose webhook is gone (never on the path of a tenant whose
 * webhooks exist): whether its tenant is erased or being erased, so that it is dropped with nothing written for it.
 */
export interface ErasedTenants {
  isErased(delivery: { tenantId: string; webhookId: string; eventId: string }): Promise<boolean>;
}
