import {createChangeFeed} from '../src/status/changeFeed';
import {statusChangedEvent} from '../src/status/statusEvent';
import {followStatusEvents, webSocketUrl, type WebSocketLike} from '../src/status/webSocketEvents';

class FakeSocket implements WebSocketLike {
    onopen: ((ev: Event) => void) | null = null;
    onmessage: ((ev: MessageEvent) => void) | null = null;
    onclose: ((ev: CloseEvent) => void) | null = null;
    closed = false;
    constructor(readonly url: string) {}
    close() {
        this.closed = true;
    }
    open() {
        this.onopen?.(new Event('open'));
    }
    receive(data: unknown) {
        this.onmessage?.({data: typeof data === 'string' ? data : JSON.stringify(data)} as MessageEvent);
    }
    drop() {
        this.onclose?.({} as CloseEvent);
    }
}

function setup() {
    const sockets: FakeSocket[] = [];
    const feed = createChangeFeed();
    const notices = jest.fn();
    feed.subscribe(notices);
    const stop = followStatusEvents('wss://mm.example.com/api/v4/websocket', feed, (url) => {
        const s = new FakeSocket(url);
        sockets.push(s);
        return s;
    });
    return {sockets, notices, stop};
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('following the Mattermost websocket (dashboard)', () => {
    it('builds the websocket URL from the site URL', () => {
        expect(webSocketUrl('https://mm.example.com/chat')).toBe('wss://mm.example.com/chat/api/v4/websocket');
        expect(webSocketUrl('http://localhost:8065')).toBe('ws://localhost:8065/api/v4/websocket');
    });

    it('turns status_changed events into change notices, and nothing else', () => {
        const {sockets, notices, stop} = setup();
        sockets[0].open();
        sockets[0].receive({event: statusChangedEvent, data: {kind: 'lock', name: 'x'}, seq: 3});
        sockets[0].receive({event: 'posted', data: {}, seq: 4});
        sockets[0].receive('not json');
        expect(notices).toHaveBeenCalledTimes(1);
        stop();
    });

    it('reconnects with growing delays, and treats a reconnect as a change', () => {
        const {sockets, notices, stop} = setup();
        sockets[0].open();
        sockets[0].drop();
        jest.advanceTimersByTime(999);
        expect(sockets).toHaveLength(1);
        jest.advanceTimersByTime(1);
        expect(sockets).toHaveLength(2);

        sockets[1].drop(); // never opened: the next wait doubles
        jest.advanceTimersByTime(1999);
        expect(sockets).toHaveLength(2);
        jest.advanceTimersByTime(1);
        expect(sockets).toHaveLength(3);

        sockets[2].open();
        expect(notices).toHaveBeenCalledTimes(1);
        stop();
    });

    it('stops: closes the socket and does not come back', () => {
        const {sockets, stop} = setup();
        sockets[0].open();
        stop();
        expect(sockets[0].closed).toBe(true);
        sockets[0].drop();
        jest.advanceTimersByTime(60000);
        expect(sockets).toHaveLength(1);
    });
});
