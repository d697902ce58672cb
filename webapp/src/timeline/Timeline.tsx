import React, {useState} from 'react';

import type {Job, Lock} from '../api/types';
import {NodeSwatch, useNodeDirectory} from '../ui/NodeLabel';

import {describeEvent, describeHold, describeRun} from './describe';
import type {TimelineHistory} from './history';
import {type Lane, timelineView, timelineWindowMs} from './lanes';

// The last few minutes, drawn in plain SVG: a lane per job and per held lock,
// bars in the holder's colour, job runs as ticks in the colour of the node
// that ran them (failed ones outlined in the error colour, lost ones dashed),
// and node joins, deaths and restarts as vertical lines across every lane.
// Every bar, tick and node event is focusable and labelled with the same
// words its hover title shows; the node events are listed in text too.

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

function LanePlot({lane, from, to, events, onDetail}: {
    lane: Lane;
    from: number;
    to: number;
    events: TimelineHistory['events'];
    onDetail: (text: string | null) => void;
}) {
    const nodes = useNodeDirectory();
    const x = (t: number) => Math.min(plotWidth, Math.max(0, ((t - from) / (to - from)) * plotWidth));
    // Every item is focusable, so the keyboard reaches what the pointer does.
    const show = (text: string) => ({
        onMouseEnter: () => onDetail(text),
        onMouseLeave: () => onDetail(null),
        onFocus: () => onDetail(text),
        onBlur: () => onDetail(null),
    });
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
            {lane.holds.map((h) => {
                const text = describeHold(h, lane.label, nodes);
                const left = x(h.from);
                return (
                    <rect
                        key={`${h.node}-${h.from}-${h.fencingToken ?? ''}`}
                        className={h.to === null ? 'cd-hold cd-hold-open' : 'cd-hold'}
                        x={left}
                        width={Math.max(minMarkWidth, x(h.to ?? to) - left)}
                        y={6}
                        height={laneHeight - 12}
                        fill={nodes.resolve(h.node)?.color}
                        data-node={nodes.resolve(h.node)?.key}
                        tabIndex={0}
                        role='img'
                        aria-label={text}
                        {...show(text)}
                    >
                        <title>{text}</title>
                    </rect>
                );
            })}
            {lane.runs.map((r) => {
                const text = describeRun(r, nodes);
                const left = x(r.startedAt);
                return (
                    <rect
                        key={`run-${r.startedAt}`}
                        className={`cd-mark cd-mark-${r.outcome}`}
                        x={left}
                        width={Math.max(minMarkWidth, x(r.endedAt ?? to) - left)}
                        y={1}
                        height={laneHeight - 2}
                        fill={nodes.resolve(r.node)?.color}
                        data-node={nodes.resolve(r.node)?.key}
                        data-outcome={r.outcome}
                        vectorEffect='non-scaling-stroke'
                        tabIndex={0}
                        role='img'
                        aria-label={text}
                        {...show(text)}
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
    const view = timelineView(history, jobs, locks, now);
    const minutes = timelineWindowMs / 60000;
    return (
        <section className='cd-section cd-timeline' aria-labelledby='cd-timeline-title'>
            <h3 id='cd-timeline-title'>{'Timeline'}</h3>
            <p className='cd-help'>
                {`The last ${minutes} minutes. Bars: which node held each lock. Tall ticks: job runs in the colour of the node that ran them (outlined: failed; dashed: lost). Vertical lines: a node joined, was lost or restarted. Hover or focus an item for its details.`}
            </p>
            {view.lanes.length === 0 ? (
                <p className='cd-muted'>{'Nothing held or run in this span yet.'}</p>
            ) : (
                <>
                    <ol
                        className='cd-lanes'
                        aria-label={`Timeline of the last ${minutes} minutes, one lane per job and lock`}
                    >
                        {view.lanes.map((lane) => (
                            <li
                                key={lane.key}
                                className='cd-lane'
                            >
                                <span className='cd-lane-label'>{lane.label}</span>
                                <LanePlot
                                    lane={lane}
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
