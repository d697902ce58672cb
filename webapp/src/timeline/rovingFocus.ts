// The timeline is one stop for Tab; arrow keys move between its items (the
// roving tabindex pattern), so a keyboard user reaches the locks table
// without tabbing through every bar, and still reaches every bar.

export interface Spot {
    lane: number;
    item: number;
}

// lanes: each lane's item start times, in order. The first item of the
// first lane that has any, or null when no lane has items.
export function firstSpot(lanes: readonly (readonly number[])[]): Spot | null {
    const lane = lanes.findIndex((items) => items.length > 0);
    return lane < 0 ? null : {lane, item: 0};
}

// A spot that still exists after the lanes changed, or the first one.
export function clampSpot(lanes: readonly (readonly number[])[], spot: Spot | null): Spot | null {
    if (spot !== null && spot.lane < lanes.length && lanes[spot.lane].length > 0) {
        return {lane: spot.lane, item: Math.min(spot.item, lanes[spot.lane].length - 1)};
    }
    return firstSpot(lanes);
}

function nearest(times: readonly number[], at: number): number {
    let best = 0;
    times.forEach((t, i) => {
        if (Math.abs(t - at) < Math.abs(times[best] - at)) {
            best = i;
        }
    });
    return best;
}

// Where a key moves the focus: left and right along a lane, up and down to
// the nearest item in time on the next lane that has items, Home and End to
// the lane's ends. Null for keys the timeline does not handle.
export function moveSpot(lanes: readonly (readonly number[])[], from: Spot, key: string): Spot | null {
    const items = lanes[from.lane];
    switch (key) {
    case 'ArrowLeft':
        return {lane: from.lane, item: Math.max(0, from.item - 1)};
    case 'ArrowRight':
        return {lane: from.lane, item: Math.min(items.length - 1, from.item + 1)};
    case 'Home':
        return {lane: from.lane, item: 0};
    case 'End':
        return {lane: from.lane, item: items.length - 1};
    case 'ArrowUp':
    case 'ArrowDown': {
        const step = key === 'ArrowUp' ? -1 : 1;
        for (let lane = from.lane + step; lane >= 0 && lane < lanes.length; lane += step) {
            if (lanes[lane].length > 0) {
                return {lane, item: nearest(lanes[lane], items[from.item])};
            }
        }
        return from;
    }
    default:
        return null;
    }
}
