import React, {useRef, useState} from 'react';

import type {Job, Lock} from '../api/types';
import {NodeSwatch, useNodeDirectory} from '../ui/NodeLabel';

import {describeEvent, describeHold, describeRun} from './describe';
import type {TimelineHistory} from './history';
import {type Lane, laneItems, timelineView, timelineWindowMs} from './lanes';
import {clampSpot, moveSpot, type Spot} from './rovingFocus';

// The last few minutes, drawn in plain SVG: a lane per job and per held lock,
// bars in the holder's colour, job runs as ticks in the colour of the node
// that ran them (failed ones outlined in the error colour, lost ones dashed),
// and node joins, deaths and restarts as vertical lines across every lane.
// Every bar and tick is reachable from the keyboard (one Tab stop, then the
// arrow keys) and labelled with the same words its hover title shows; the
// node events are listed in text too.

// Plot coordinates: each lane's SVG is plotWidth units wide and stretched to
// the lane, so only x is scaled; strokes keep their width.
const plotWidth = 1000;
const laneHeight = 24;
const minMarkWidth = 3;
const tickEveryMs = 60 * 1000;

interface Props {
    history: TimelineHistory;
    jobs: Job[];
    locks: Lock[];
    now: number;
}

interface PlotProps {
    lane: Lane;
    laneIndex: number;
    from: number;
    to: number;
    events: TimelineHistory['events'];

    // The item that takes Tab in this lane, if any (roving tabindex).
    tabItem: number | null;
    onDetail: (text: string | null) => void;
    onFocusItem: (spot: Spot) => void;
}

function LanePlot({lane, laneIndex, from, to, events, tabItem, onDetail, onFocusItem}: PlotProps) {
    const nodes = useNodeDirectory();
    const x = (t: number) => Math.min(plotWidth, Math.max(0, ((t - from) / (to - from)) * plotWidth));
    const items = laneItems(lane);
    return (
        <svg
            className='cd-lane-plot'
            viewBox={`0 0 ${plotWidth} ${laneHeight}`}
            preserveAspectRatio='none'
            role='group'
            aria-label={`${lane.label}: ${lane.holds.length} holds, ${lane.runs.length} runs`}
        >
            {events.map((e) => (
                <line
                    key={`${e.node}-${e.kind}-${e.at}`}
                    className={`cd-event cd-event-${e.kind}`}
                    x1={x(e.at)}
                    x2={x(e.at)}
                    y1={0}
                    y2={laneHeight}
                    vectorEffect='non-scaling-stroke'
                    aria-hidden='true'
                />
            ))}
            {items.map((item, i) => {
                const text = item.kind === 'hold' ? describeHold(item.hold, lane.label, nodes) : describeRun(item.run, nodes);
                const node = nodes.resolve(item.kind === 'hold' ? item.hold.node : item.run.node);
                const end = item.kind === 'hold' ? item.hold.to : item.run.endedAt;
                const left = x(item.at);
                const common = {
                    x: left,
                    width: Math.max(minMarkWidth, x(end ?? to) - left),
                    fill: node?.color,
                    'data-node': node?.key,
                    'data-item': `${laneIndex}:${i}`,
                    tabIndex: tabItem === i ? 0 : -1,
                    role: 'img',
                    'aria-label': text,
                    onMouseEnter: () => onDetail(text),
                    onMouseLeave: () => onDetail(null),
                    onFocus: () => {
                        onDetail(text);
                        onFocusItem({lane: laneIndex, item: i});
                    },
                    onBlur: () => onDetail(null),
                };
                if (item.kind === 'hold') {
                    return (
                        <rect
                            key={`${item.hold.node}-${item.hold.from}-${item.hold.fencingToken ?? ''}`}
                            className={item.hold.to === null ? 'cd-hold cd-hold-open' : 'cd-hold'}
                            y={6}
                            height={laneHeight - 12}
                            {...common}
                        >
                            <title>{text}</title>
                        </rect>
                    );
                }
                return (
                    <rect
                        key={`run-${item.run.startedAt}`}
                        className={`cd-mark cd-mark-${item.run.outcome}`}
                        y={1}
                        height={laneHeight - 2}
                        data-outcome={item.run.outcome}
                        vectorEffect='non-scaling-stroke'
                        {...common}
                    >
                        <title>{text}</title>
                    </rect>
                );
            })}
        </svg>
    );
}

function Axis({from, to}: {from: number; to: number}) {
    const ticks: number[] = [];
    for (let ago = 0; to - ago >= from; ago += tickEveryMs) {
        ticks.push(ago);
    }
    return (
        <div
            className='cd-lane cd-axis-row'
            aria-hidden='true'
        >
            <span/>
            <div className='cd-axis'>
                {ticks.map((ago) => (
                    <span
                        key={ago}
                        style={{left: `${(1 - (ago / (to - from))) * 100}%`}}
                    >
                        {ago === 0 ? 'now' : `−${ago / tickEveryMs} min`}
                    </span>
                ))}
            </div>
        </div>
    );
}

export function Timeline({history, jobs, locks, now}: Props) {
    const nodes = useNodeDirectory();
    const [detail, setDetail] = useState<string | null>(null);
    const [spot, setSpot] = useState<Spot | null>(null);
    const lanesRef = useRef<HTMLOListElement>(null);
    const view = timelineView(history, jobs, locks, now);
    const minutes = timelineWindowMs / 60000;
    const times = view.lanes.map((lane) => laneItems(lane).map((item) => item.at));
    const tabSpot = clampSpot(times, spot);

    const onKeyDown = (event: React.KeyboardEvent) => {
        if (tabSpot === null) {
            return;
        }
        const next = moveSpot(times, tabSpot, event.key);
        if (next === null) {
            return;
        }
        event.preventDefault();
        setSpot(next);
        lanesRef.current?.querySelector<SVGElement>(`[data-item="${next.lane}:${next.item}"]`)?.focus();
    };
    return (
        <section className='cd-section cd-timeline' aria-labelledby='cd-timeline-title'>
            <h3 id='cd-timeline-title'>{'Timeline'}</h3>
            <p className='cd-help'>
                {`The last ${minutes} minutes. Bars: which node held each lock. Tall ticks: job runs in the colour of the node that ran them (outlined: failed; dashed: lost). Vertical lines: a node joined, was lost or restarted. Hover or focus an item for its details; the arrow keys move between items.`}
            </p>
            {view.lanes.length === 0 ? (
                <p className='cd-muted'>{'Nothing held or run in this span yet.'}</p>
            ) : (
                <>
                    {/* The arrow keys of the items inside land here. */}
                    {/* eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions */}
                    <ol
                        ref={lanesRef}
                        className='cd-lanes'
                        aria-label={`Timeline of the last ${minutes} minutes, one lane per job and lock`}
                        onKeyDown={onKeyDown}
                    >
                        {view.lanes.map((lane, laneIndex) => (
                            <li
                                key={lane.key}
                                className='cd-lane'
                            >
                                <span className='cd-lane-label'>{lane.label}</span>
                                <LanePlot
                                    lane={lane}
                                    laneIndex={laneIndex}
                                    tabItem={tabSpot?.lane === laneIndex ? tabSpot.item : null}
                                    onFocusItem={setSpot}
                                    from={view.from}
                                    to={view.to}
                                    events={view.events}
                                    onDetail={setDetail}
                                />
                            </li>
                        ))}
                    </ol>
                    <Axis from={view.from} to={view.to}/>
                </>
            )}
            <p
                className='cd-timeline-detail'
                aria-hidden='true'
            >
                {detail ?? '\u00a0'}
            </p>
            {view.hiddenLanes > 0 && (
                <p className='cd-muted'>{`${view.hiddenLanes} more locks held in this span are not drawn; the locks table lists them.`}</p>
            )}
            <h4 className='cd-subtitle'>{'Node events'}</h4>
            {view.events.length === 0 ? (
                <p className='cd-muted'>{'No node joined, was lost or restarted in this span.'}</p>
            ) : (
                <ul
                    className='cd-events'
                    aria-label='Node events'
                >
                    {view.events.map((e) => {
                        const node = nodes.resolve(e.node);
                        return (
                            <li key={`${e.node}-${e.kind}-${e.at}`}>
                                {node && <NodeSwatch node={node}/>}
                                <span className={`cd-event-text cd-event-text-${e.kind}`}>{describeEvent(e)}</span>
                            </li>
                        );
                    })}
                </ul>
            )}
        </section>
    );
}
