// Two bundles from one source tree:
//   dist/main.js       the plugin bundle the Mattermost web app loads. React and
//                      friends come from the web app's window globals, as every
//                      Mattermost plugin does, so the bundle stays small.
//   dist/dashboard.js  the same panel as a standalone page with its own React,
//                      served by the plugin at /plugins/clusterdemo/dashboard.
const path = require('path');

const webAppGlobals = {
    react: 'React',
    'react-dom': 'ReactDOM',
    redux: 'Redux',
    'react-redux': 'ReactRedux',
    'prop-types': 'PropTypes',
};

function bundle(name, entry, externals) {
    return (env, argv) => ({
        name,
        entry,
        target: ['web', 'es2019'],
        devtool: argv.mode === 'production' ? false : 'eval-cheap-module-source-map',
        resolve: {extensions: ['.ts', '.tsx', '.js']},
        module: {
            rules: [{
                test: /\.tsx?$/,
                exclude: /node_modules/,

                // Types are checked once by `npm run check-types`, not per bundle.
                use: {loader: 'ts-loader', options: {transpileOnly: true}},
            }],
        },
        externals,
        output: {
            path: path.resolve(__dirname, 'dist'),
            filename: `${name}.js`,
            clean: false,
        },
        performance: {hints: false},
    });
}

module.exports = [
    bundle('main', './src/index.tsx', webAppGlobals),
    bundle('dashboard', './src/dashboard.tsx', {}),
];
