import type {Node} from '../api/types';

// The colour-per-node rule. Colour is the fastest cue for "which node", so
// the nodes a person compares must never get look-alike colours:
//
// - The palette is ordered: its first four colours are pairwise at least
//   distinctPairDistance apart in CIEDE2000, all eight at least
//   palettePairDistance, and each stands off both the light and the dark
//   panel background (the tests compute these distances).
// - Live nodes are placed before gone ones, then in order of start time (id
//   breaks ties), each taking the lowest free slot. So with up to four live
//   nodes every pair gets two of the first four colours, and the same set of
//   nodes gets the same colours on every reload.
// - A node keeps the colour it had on the previous render while it is listed
//   (pass the previous assignment back in), so a node joining or leaving never
//   repaints the others.
// - Past the palette, colours repeat; every colour is shown beside the
//   node's name, so colour is never the only cue.
//
// The colours are Okabe and Ito's (distinguishable with the common forms of
// colour blindness) with Tol's wine in place of black; the same in light and
// dark themes, since each one keeps its distance from both backgrounds.
export const nodePalette: readonly string[] = [
    '#0072B2', // blue
    '#E69F00', // orange
    '#009E73', // bluish green
    '#CC79A7', // reddish purple
    '#882255', // wine
    '#56B4E9', // sky blue
    '#D55E00', // vermillion
    '#F0E442', // yellow
];

// How many of the palette's first colours are kept clearly apart.
export const distinctColorCount = 4;

// The promised minimum CIEDE2000 distances (checked by the tests).
export const distinctPairDistance = 35;
export const palettePairDistance = 20;
export const backgroundDistance = 25;

// Colour for references that name no known node.
export const unknownNodeColor = '#999999';

export interface ColorCandidate {
    id: string;
    startedAt: number | null;
    alive: boolean;
}

function placementOrder(a: ColorCandidate, b: ColorCandidate): number {
    if (a.alive !== b.alive) {
        return a.alive ? -1 : 1;
    }
    const at = a.startedAt ?? Number.POSITIVE_INFINITY;
    const bt = b.startedAt ?? Number.POSITIVE_INFINITY;
    if (at !== bt) {
        return at < bt ? -1 : 1;
    }
    if (a.id === b.id) {
        return 0;
    }
    return a.id < b.id ? -1 : 1;
}

export function assignNodeColors(
    candidates: readonly ColorCandidate[],
    previous: ReadonlyMap<string, string> = new Map(),
    palette: readonly string[] = nodePalette,
): Map<string, string> {
    const byId = new Map<string, ColorCandidate>();
    for (const c of candidates) {
        if (!byId.has(c.id)) {
            byId.set(c.id, c);
        }
    }
    const ordered = Array.from(byId.values()).sort(placementOrder);
    const taken = new Set<string>();
    const colors = new Map<string, string>();

    // Colours already on screen stay, first come first kept.
    for (const c of ordered) {
        const had = previous.get(c.id);
        if (had !== undefined && palette.includes(had) && !taken.has(had)) {
            colors.set(c.id, had);
            taken.add(had);
        }
    }
    let overflow = 0;
    for (const c of ordered) {
        if (colors.has(c.id)) {
            continue;
        }
        let color = palette.find((p) => !taken.has(p));
        if (color === undefined) {
            color = palette[overflow % palette.length];
            overflow++;
        }
        colors.set(c.id, color);
        taken.add(color);
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
    readonly colors: ReadonlyMap<string, string>;

    // extraIds: references to nodes missing from the list (gone, but still
    // named by a lock or a run); previous: the last directory's colours.
    constructor(nodes: readonly Node[], extraIds: readonly string[] = [], previous?: ReadonlyMap<string, string>) {
        for (const node of nodes) {
            this.byId.set(node.id, node);
            if (!this.byName.has(node.name)) {
                this.byName.set(node.name, node);
            }
        }
        const extras = extraIds.filter((id) => this.find(id) === undefined).
            map((id) => ({id, startedAt: null, alive: false}));
        this.colors = assignNodeColors([...nodes, ...extras], previous);
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
