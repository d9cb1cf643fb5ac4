#!/bin/sh
# `kintent` in the plugin image (/usr/local/bin/kintent → /opt/kintent/bin/kintent.sh; deploy/argocd-cmp/Dockerfile).
# argocd-cmp-server runs `kintent cmp generate` once per Application per refresh: when the image holds the V8
# start-up snapshot it built with its own Node (scripts/snapshot.mjs), that call starts from it, with kintent's
# modules loaded and warmed (about half a cold call). Every other command, or an image without the blob, runs the CLI.
root=$(dirname "$(dirname "$(readlink -f "$0")")")
blob="$root/dist/bundle/snapshot/cmp.blob"
if [ "$#" -eq 2 ] && [ "$1" = cmp ] && { [ "$2" = generate ] || [ "$2" = discover ]; } && [ -f "$blob" ]; then
  exec node --snapshot-blob "$blob" "$2"
fi
exec node "$root/bin/kintent.js" "$@"
