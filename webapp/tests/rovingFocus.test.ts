import {clampSpot, firstSpot, moveSpot} from '../src/timeline/rovingFocus';

// Three lanes of item start times; the middle one is empty.
const lanes = [[10, 20, 30], [], [12, 28]];

describe('roving focus over the timeline', () => {
    it('starts at the first item of the first lane with items', () => {
        expect(firstSpot(lanes)).toEqual({lane: 0, item: 0});
        expect(firstSpot([[], [5]])).toEqual({lane: 1, item: 0});
        expect(firstSpot([[], []])).toBeNull();
    });

    it('moves along a lane and stops at its ends', () => {
        expect(moveSpot(lanes, {lane: 0, item: 0}, 'ArrowLeft')).toEqual({lane: 0, item: 0});
        expect(moveSpot(lanes, {lane: 0, item: 0}, 'ArrowRight')).toEqual({lane: 0, item: 1});
        expect(moveSpot(lanes, {lane: 0, item: 2}, 'ArrowRight')).toEqual({lane: 0, item: 2});
        expect(moveSpot(lanes, {lane: 0, item: 1}, 'End')).toEqual({lane: 0, item: 2});
        expect(moveSpot(lanes, {lane: 0, item: 1}, 'Home')).toEqual({lane: 0, item: 0});
    });

    it('moves across lanes to the nearest item in time, skipping empty lanes', () => {
        // From 30, lane 2's nearest is 28 (index 1), not the same index (out of range) or the first.
        expect(moveSpot(lanes, {lane: 0, item: 2}, 'ArrowDown')).toEqual({lane: 2, item: 1});
        expect(moveSpot(lanes, {lane: 2, item: 0}, 'ArrowUp')).toEqual({lane: 0, item: 0});
        expect(moveSpot(lanes, {lane: 2, item: 0}, 'ArrowDown')).toEqual({lane: 2, item: 0});
    });

    it('leaves other keys to the page', () => {
        expect(moveSpot(lanes, {lane: 0, item: 0}, 'Tab')).toBeNull();
        expect(moveSpot(lanes, {lane: 0, item: 0}, 'Enter')).toBeNull();
    });

    it('keeps the focus spot inside lanes that changed', () => {
        expect(clampSpot(lanes, {lane: 0, item: 9})).toEqual({lane: 0, item: 2});
        expect(clampSpot(lanes, {lane: 1, item: 0})).toEqual({lane: 0, item: 0});
        expect(clampSpot(lanes, {lane: 7, item: 0})).toEqual({lane: 0, item: 0});
        expect(clampSpot(lanes, null)).toEqual({lane: 0, item: 0});
    });
});
