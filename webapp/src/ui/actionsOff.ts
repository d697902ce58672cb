// The production switch: when the server says the mutating demo features
// are off, the controls are hidden or disabled and point at this note.
export const actionsOffId = 'cd-actions-off';

export const defaultActionsOffReason = 'An administrator switched them off in the plugin settings.';
