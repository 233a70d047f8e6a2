/** Lists page by asking the host API for one item more than the page holds. */

export const DEFAULT_LIMIT = 50

/** The page's items and, when there is more, the id to continue from. */
export const page = <Row, View extends { readonly id: string }>(
  rows: ReadonlyArray<Row>,
  limit: number,
  view: (row: Row) => View
): { readonly items: ReadonlyArray<View>; readonly next?: string } => {
  const items = rows.slice(0, limit).map(view)
  return rows.length > limit ? { items, next: items[items.length - 1]!.id } : { items }
}
