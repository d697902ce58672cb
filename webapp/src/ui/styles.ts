// The panel's styles, rendered in a <style> element by the panel itself so
// both bundles need no CSS loader. Colours come from the Mattermost web app's
// theme variables where it sets them (System Console, light or dark theme);
// the fallbacks are the default light theme, and the standalone page swaps in
// dark values when the browser prefers a dark scheme.
export const panelCss = `
.cd-panel {
  --cd-fg: var(--center-channel-color, #3f4350);
  --cd-fg-rgb: var(--center-channel-color-rgb, 63, 67, 80);
  --cd-bg: var(--center-channel-bg, #ffffff);
  --cd-accent: var(--button-bg, #1c58d9);
  --cd-accent-fg: var(--button-color, #ffffff);
  --cd-link: var(--link-color, #386fe5);
  --cd-error: var(--error-text, #d24b4e);
  --cd-ok: var(--online-indicator, #06d6a0);
  --cd-border: rgba(var(--cd-fg-rgb), 0.16);
  --cd-muted: rgba(var(--cd-fg-rgb), 0.64);
  color: var(--cd-fg);
  background: var(--cd-bg);
  font-size: 14px;
  line-height: 20px;
}
.cd-panel h2 { font-size: 20px; margin: 0 0 4px; }
.cd-panel h3 { font-size: 16px; margin: 0 0 8px; }
.cd-header { display: flex; flex-wrap: wrap; align-items: center; gap: 12px; margin-bottom: 12px; }
.cd-header p { margin: 0; }
.cd-section { margin: 0 0 24px; overflow-x: auto; }
.cd-table { border-collapse: collapse; width: 100%; margin-bottom: 8px; }
.cd-table th, .cd-table td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--cd-border); vertical-align: middle; }
.cd-table thead th { font-weight: 600; color: var(--cd-muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.02em; }
.cd-table tbody th { font-weight: 600; }
.cd-table.cd-compact { width: auto; }
.cd-self { background: rgba(var(--cd-fg-rgb), 0.04); }
.cd-node { display: inline-flex; align-items: center; gap: 6px; }
.cd-swatch { display: inline-block; width: 12px; height: 12px; border-radius: 50%; border: 1px solid rgba(var(--cd-fg-rgb), 0.4); flex: none; }
.cd-badge { margin-left: 8px; padding: 0 6px; border-radius: 4px; font-size: 11px; font-weight: 600; border: 1px solid var(--cd-link); color: var(--cd-link); }
.cd-muted { color: var(--cd-muted); }
.cd-alive, .cd-ok { font-weight: 600; }
.cd-alive::before, .cd-ok::before { content: ''; display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 4px; background: var(--cd-ok); vertical-align: 1px; }
.cd-gone, .cd-failed, .cd-expired { color: var(--cd-error); font-weight: 600; }
.cd-free { color: var(--cd-muted); font-style: italic; }
.cd-running { display: inline-flex; align-items: center; gap: 4px; white-space: nowrap; }
.cd-table .cd-button { white-space: nowrap; }
.cd-strip { display: flex; gap: 2px; list-style: none; margin: 0; padding: 0; }
.cd-run { width: 14px; height: 18px; border-radius: 2px; border: 1px solid rgba(var(--cd-fg-rgb), 0.3); font-size: 11px; line-height: 16px; text-align: center; color: #000; font-weight: 700; }
.cd-run-failed { outline: 2px solid var(--cd-error); outline-offset: -2px; }
.cd-run-running { border-style: dashed; opacity: 0.6; }
.cd-form { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 12px; margin: 8px 0; }
.cd-field { display: flex; flex-direction: column; gap: 2px; max-width: 320px; }
.cd-field label { font-weight: 600; }
.cd-field input { padding: 4px 8px; border: 1px solid var(--cd-border); border-radius: 4px; background: var(--cd-bg); color: var(--cd-fg); font: inherit; }
.cd-field input[aria-invalid='true'] { border-color: var(--cd-error); }
.cd-help { font-size: 12px; color: var(--cd-muted); }
.cd-field-error { font-size: 12px; color: var(--cd-error); }
.cd-button { padding: 4px 12px; border-radius: 4px; border: 1px solid var(--cd-link); background: transparent; color: var(--cd-link); font: inherit; font-weight: 600; cursor: pointer; }
.cd-button.cd-primary { background: var(--cd-accent); border-color: var(--cd-accent); color: var(--cd-accent-fg); margin-top: 22px; }
.cd-button:disabled { opacity: 0.5; cursor: default; }
.cd-button:focus-visible { outline: 2px solid var(--cd-link); outline-offset: 2px; }
.cd-error, .cd-banner { color: var(--cd-error); }
.cd-banner { border: 1px solid var(--cd-error); border-radius: 4px; padding: 8px 12px; margin-bottom: 12px; display: flex; flex-wrap: wrap; gap: 12px; align-items: center; }
.cd-banner p { margin: 0; }
.cd-stats { display: flex; gap: 24px; margin: 8px 0; }
.cd-stats dt { font-size: 12px; color: var(--cd-muted); }
.cd-stats dd { margin: 0; font-weight: 600; }
.cd-counts { display: flex; flex-wrap: wrap; gap: 8px; list-style: none; margin: 0 0 8px; padding: 0; }
.cd-count { display: inline-flex; align-items: center; gap: 6px; padding: 2px 10px; border-radius: 12px; border: 1px solid var(--cd-border); background: transparent; color: var(--cd-fg); font: inherit; cursor: pointer; }
.cd-count[aria-pressed='true'] { border-color: var(--cd-link); box-shadow: inset 0 0 0 1px var(--cd-link); }
.cd-count:focus-visible { outline: 2px solid var(--cd-link); outline-offset: 2px; }
.cd-filter { margin: 0 0 8px; }
.cd-field select { padding: 4px 8px; border: 1px solid var(--cd-border); border-radius: 4px; background: var(--cd-bg); color: var(--cd-fg); font: inherit; }
.cd-pager { display: flex; align-items: center; gap: 12px; margin: 0 0 8px; }
.cd-lanes { list-style: none; margin: 0; padding: 0; }
.cd-lane { display: grid; grid-template-columns: minmax(120px, 200px) 1fr; align-items: center; gap: 8px; border-bottom: 1px solid var(--cd-border); }
.cd-lane-label { font-family: monospace; font-size: 12px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.cd-lane-plot { display: block; width: 100%; height: 24px; background: rgba(var(--cd-fg-rgb), 0.03); }
.cd-hold { stroke: rgba(var(--cd-fg-rgb), 0.5); stroke-width: 1px; vector-effect: non-scaling-stroke; }
.cd-hold-open { stroke-dasharray: none; }
.cd-hold:focus, .cd-mark:focus { outline: none; stroke: var(--cd-fg); stroke-width: 3px; }
.cd-mark { stroke: var(--cd-fg); stroke-width: 1px; }
.cd-mark-failed { stroke: var(--cd-error); stroke-width: 3px; }
.cd-mark-lost { stroke: var(--cd-error); stroke-width: 2px; stroke-dasharray: 3 2; fill-opacity: 0.5; }
.cd-mark-running { fill-opacity: 0.5; stroke-dasharray: 2 2; }
.cd-event { stroke: var(--cd-fg); stroke-width: 1.5px; }
.cd-event-gone { stroke: var(--cd-error); stroke-width: 2px; stroke-dasharray: 4 2; }
.cd-event-joined { stroke: var(--cd-ok); }
.cd-axis-row { border-bottom: none; }
.cd-axis { position: relative; height: 18px; font-size: 11px; color: var(--cd-muted); }
.cd-axis span { position: absolute; transform: translateX(-100%); white-space: nowrap; }
.cd-timeline-detail { min-height: 20px; margin: 4px 0; font-size: 12px; }
.cd-subtitle { font-size: 14px; margin: 8px 0 4px; }
.cd-events { list-style: none; margin: 0; padding: 0; font-size: 12px; }
.cd-events li { display: flex; align-items: center; gap: 6px; }
.cd-event-text-gone { color: var(--cd-error); font-weight: 600; }
.cd-note { flex-basis: 100%; padding: 6px 10px; border-left: 3px solid var(--cd-link); background: rgba(var(--cd-fg-rgb), 0.04); }
.cd-refused { display: block; }
.cd-visually-hidden { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
`;

export const standaloneCss = `
body { margin: 0; font-family: 'Open Sans', system-ui, -apple-system, 'Segoe UI', sans-serif; }
.cd-standalone { max-width: 1200px; margin: 0 auto; padding: 24px; }
.cd-standalone h1 { font-size: 24px; margin: 0 0 16px; }
@media (prefers-color-scheme: dark) {
  body { background: #1f1f1f; color: #dddddd; }
  .cd-standalone .cd-panel {
    --center-channel-color: #dddddd;
    --center-channel-color-rgb: 221, 221, 221;
    --center-channel-bg: #1f1f1f;
    --button-bg: #4a7fe0;
    --button-color: #ffffff;
    --link-color: #7aa7ff;
    --error-text: #ff6b6b;
    --online-indicator: #3ddc97;
  }
}
`;
