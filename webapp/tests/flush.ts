import {act} from '@testing-library/react';

// Let pending promise chains (fake fetch → decode → setState) run to the end
// inside act, without moving fake timers.
export async function flush(): Promise<void> {
    await act(async () => {
        for (let i = 0; i < 20; i++) {
            await Promise.resolve();
        }
    });
}

export async function advance(ms: number): Promise<void> {
    await act(async () => {
        jest.advanceTimersByTime(ms);
    });
    await flush();
}

export function setVisibility(state: 'visible' | 'hidden'): void {
    Object.defineProperty(document, 'visibilityState', {value: state, configurable: true});
    act(() => {
        document.dispatchEvent(new Event('visibilitychange'));
    });
}
