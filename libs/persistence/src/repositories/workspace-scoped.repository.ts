import type { Model, RootFilterQuery, UpdateQuery, SortOrder } from 'mongoose';

/** A filter can only be built with a workspaceId: one workspace never reads another's documents. */
export type ScopedFilter<T> = RootFilterQuery<T> & { workspaceId: string };

export interface FindOpts { sort?: Record<string, SortOrder>; limit?: number; skip?: number }

/**
 * The workspace-scoped base every repository uses. Each method takes the workspaceId first and puts it
 * into the filter itself, so no caller can forget it.
 */
export class WorkspaceScopedRepository<T extends { _id: string; workspaceId: string }> {
  constructor(protected readonly model: Model<T>) {}

  protected f(workspaceId: string, filter: RootFilterQuery<T> = {}): ScopedFilter<T> {
    if (!workspaceId) throw new Error('workspaceId is required');
    return { ...(filter as object), workspaceId };
  }

  /**
   * By `_id` alone, then the workspace checked here: FerretDB (the embedded default) only uses an index for a
   * filter that is exactly `{_id}`; `{_id, workspaceId}` scans the whole collection (DESIGN §3). A document's
   * workspaceId never changes, so the check is as strict as the filter was.
   */
  async findById(workspaceId: string, id: string): Promise<T | null> {
    if (!workspaceId) throw new Error('workspaceId is required');
    const doc = await this.model.findOne({ _id: id }).lean<T>().exec();
    return doc && doc.workspaceId === workspaceId ? doc : null;
  }

  async findByIds(workspaceId: string, ids: string[]): Promise<T[]> {
    if (ids.length === 0) return [];
    return this.model.find(this.f(workspaceId, { _id: { $in: ids } })).lean<T[]>().exec();
  }

  async find(workspaceId: string, filter: RootFilterQuery<T> = {}, opts: FindOpts = {}): Promise<T[]> {
    let q = this.model.find(this.f(workspaceId, filter));
    if (opts.sort) q = q.sort(opts.sort);
    if (opts.skip) q = q.skip(opts.skip);
    if (opts.limit) q = q.limit(opts.limit);
    return q.lean<T[]>().exec();
  }

  async findOne(workspaceId: string, filter: RootFilterQuery<T>): Promise<T | null> {
    return this.model.findOne(this.f(workspaceId, filter)).lean<T>().exec();
  }

  async count(workspaceId: string, filter: RootFilterQuery<T> = {}): Promise<number> {
    return this.model.countDocuments(this.f(workspaceId, filter)).exec();
  }

  async insert(workspaceId: string, doc: Omit<T, 'workspaceId'> & { workspaceId?: string }): Promise<T> {
    const created = await this.model.create({ ...doc, workspaceId } as unknown as T);
    return created.toObject();
  }

  /** Conditional single-document update; returns the document after the change, or null if none matched. */
  async update(workspaceId: string, filter: RootFilterQuery<T>, update: UpdateQuery<T>): Promise<T | null> {
    return this.model.findOneAndUpdate(this.f(workspaceId, filter), update, { new: true }).lean<T>().exec();
  }

  /** A checked read, then an update filtered on `_id` alone: two indexed operations instead of a scan (see findById). */
  async updateById(workspaceId: string, id: string, update: UpdateQuery<T>): Promise<T | null> {
    if (!(await this.findById(workspaceId, id))) return null;
    return this.model.findOneAndUpdate({ _id: id }, update, { new: true }).lean<T>().exec();
  }

  async updateMany(workspaceId: string, filter: RootFilterQuery<T>, update: UpdateQuery<T>): Promise<number> {
    const r = await this.model.updateMany(this.f(workspaceId, filter), update).exec();
    return r.modifiedCount;
  }

  async deleteById(workspaceId: string, id: string): Promise<boolean> {
    const r = await this.model.deleteOne(this.f(workspaceId, { _id: id })).exec();
    return r.deletedCount === 1;
  }
}
