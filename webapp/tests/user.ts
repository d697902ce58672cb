import {act} from '@testing-library/react';
import userEvent from '@testing-library/user-event';

// userEvent inside act: the requests a click starts resolve within the same
// act scope, so React applies their updates before the test looks.

export async function click(element: Element): Promise<void> {
    await act(async () => {
        await userEvent.click(element);
    });
}

export async function typeInto(element: Element, text: string): Promise<void> {
    await act(async () => {
        await userEvent.clear(element);
        if (text !== '') {
            await userEvent.type(element, text);
        }
    });
}
