/**
 * A binary min-heap of nodes ordered by `(k1, k2)`. Nodes are never removed
 * from the middle: callers mark them stale and skip them when they surface
 * (lazy deletion), and call {@link MinHeap.compact} when stale nodes pile up.
 *
 * @internal
 */
export interface HeapNode {
  readonly k1: number
  readonly k2: number
}

const less = (a: HeapNode, b: HeapNode): boolean => a.k1 < b.k1 || (a.k1 === b.k1 && a.k2 < b.k2)

/** @internal */
export class MinHeap<N extends HeapNode> {
  private nodes: Array<N> = []

  get size(): number {
    return this.nodes.length
  }

  peek(): N | undefined {
    return this.nodes[0]
  }

  push(node: N): void {
    const nodes = this.nodes
    nodes.push(node)
    let i = nodes.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!less(node, nodes[parent])) break
      nodes[i] = nodes[parent]
      i = parent
    }
    nodes[i] = node
  }

  pop(): N | undefined {
    const nodes = this.nodes
    const top = nodes[0]
    const last = nodes.pop()
    if (nodes.length > 0 && last !== undefined) {
      nodes[0] = last
      this.siftDown(0)
    }
    return top
  }

  /** Drops every node `keep` rejects, in O(n). */
  compact(keep: (node: N) => boolean): void {
    this.nodes = this.nodes.filter(keep)
    for (let i = (this.nodes.length >> 1) - 1; i >= 0; i--) this.siftDown(i)
  }

  private siftDown(start: number): void {
    const nodes = this.nodes
    const n = nodes.length
    const node = nodes[start]
    let i = start
    for (;;) {
      const left = 2 * i + 1
      if (left >= n) break
      const right = left + 1
      const child = right < n && less(nodes[right], nodes[left]) ? right : left
      if (!less(nodes[child], node)) break
      nodes[i] = nodes[child]
      i = child
    }
    nodes[i] = node
  }
}
