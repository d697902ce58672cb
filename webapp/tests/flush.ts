import {act, cleanup} from '@testing-library/react';

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

// For tests on fake timers: unmount while the fake clock still rules, then go
// back to real time and let React's own scheduler finish its queued work, so
// none of it runs after the test environment is gone.
export async function unmountAndSettle(): Promise<void> {
    cleanup();
    jest.useRealTimers();
    await act(async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
    });
}
