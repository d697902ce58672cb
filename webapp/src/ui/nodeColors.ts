import type {Node} from '../api/types';

// The colour-per-node rule: every node has one colour, the same in every table
// and strip of the panel, and different nodes have different colours as long
// as there are no more nodes than colours. A node keeps its colour when other
// nodes come and go (it is derived from its own id, not its position), except
// where two ids want the same colour: then the id that sorts first keeps it
// and the other takes the next free one.
//
// The palette is Okabe and Ito's, distinguishable with the common forms of
// colour blindness, plus a teal; every colour is paired with the node's name,
// so colour is never the only cue.
export const nodePalette: readonly string[] = [
    '#0072B2', // blue
    '#E69F00', // orange
    '#009E73', // green
    '#CC79A7', // reddish purple
    '#56B4E9', // sky blue
    '#D55E00', // vermillion
    '#F0E442', // yellow
    '#44AA99', // teal
];

// Colour for references that name no known node.
export const unknownNodeColor = '#999999';

function hash(text: string): number {
    // FNV-1a, 32 bit: small, stable across browsers and reloads.
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
        h ^= text.charCodeAt(i);
        h = Math.imul(h, 0x01000193);
    }
    return h >>> 0;
}

export function assignNodeColors(nodeIds: readonly string[], palette: readonly string[] = nodePalette): Map<string, string> {
    const ids = Array.from(new Set(nodeIds)).sort();
    const taken = new Set<number>();
    const colors = new Map<string, string>();
    for (const id of ids) {
        let slot = hash(id) % palette.length;
        if (taken.size < palette.length) {
            while (taken.has(slot)) {
                slot = (slot + 1) % palette.length;
            }
        }
        taken.add(slot);
        colors.set(id, palette[slot]);
    }
    return colors;
}

// NodeDirectory resolves any way the API names a node (a lock's holder id or
// name, a job's or run's node string, which may be an id or a name) to one key
// and one colour, so the same node looks the same everywhere.
export interface NodeRef {
    key: string;
    label: string;
    color: string;
    known: boolean;
}

export class NodeDirectory {
    private readonly byId = new Map<string, Node>();
    private readonly byName = new Map<string, Node>();
    private readonly colors: Map<string, string>;

    constructor(nodes: readonly Node[], extraIds: readonly string[] = []) {
        for (const node of nodes) {
            this.byId.set(node.id, node);
            if (!this.byName.has(node.name)) {
                this.byName.set(node.name, node);
            }
        }
        this.colors = assignNodeColors([...nodes.map((n) => n.id), ...extraIds.filter((id) => this.find(id) === undefined)]);
    }

    private find(ref: string): Node | undefined {
        return this.byId.get(ref) ?? this.byName.get(ref);
    }

    resolve(ref: string | null, fallbackLabel?: string | null): NodeRef | null {
        if (ref === null || ref === '') {
            return null;
        }
        const node = this.find(ref);
        const key = node?.id ?? ref;
        return {
            key,
            label: node?.name ?? fallbackLabel ?? ref,
            color: this.colors.get(key) ?? unknownNodeColor,
            known: node !== undefined,
        };
    }
}
