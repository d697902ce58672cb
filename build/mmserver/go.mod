// Module mmserver only builds the Mattermost Team Edition server v5.39.3 for
// the local demo cluster (build/localcluster). It is separate from the plugin's
// module so the server's many dependencies never leak into the plugin build.
module github.com/clusterdemo/clusterdemo/build/mmserver

go 1.24

require github.com/mattermost/mattermost-server/v5 v5.39.3
