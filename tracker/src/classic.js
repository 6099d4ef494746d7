// The classic <script> build's start: one tracker for the page, as window.analytics, set up
// from the script tag (data-token, data-respect-privacy) and window.analyticsOptions (any
// option of createTracker; set it before the script runs). Events go to the origin the script
// was loaded from unless analyticsOptions.endpoint says otherwise.
(function () {
    const script = document.currentScript;
    const data = (script && script.dataset) || {};
    window.analytics = createTracker(
        Object.assign(
            {
                endpoint: script && script.src ? new URL(script.src).origin : '',
                token: data.token,
                respectPrivacy: data.respectPrivacy === 'true',
            },
            window.analyticsOptions,
        ),
    );
})();
