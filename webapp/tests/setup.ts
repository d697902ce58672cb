import '@testing-library/jest-dom';

// React reports real mistakes (updates outside act, bad DOM nesting, missing
// keys) through console.error; a test that triggers one fails.
let reported: unknown[][] = [];

beforeEach(() => {
    reported = [];
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
        reported.push(args);
    });
});

afterEach(() => {
    const messages = reported.map((args) => args.map(String).join(' '));
    expect(messages).toEqual([]);
});
