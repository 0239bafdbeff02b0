#!/usr/bin/env sh
# Creates the secrets docker-compose.yml hands to the containers, once: compose/secrets/jdbc-password, vault-key
# (base64 of 32 random bytes, BEACON_VAULT_KEY's format) and admin-token, each mode 0600. Existing files are kept,
# so the stack's database and vault stay readable across restarts. Git ignores compose/secrets/.
set -eu
dir="$(dirname "$0")/secrets"
mkdir -p "$dir"
chmod 700 "$dir"
umask 077
new() {
  if [ ! -s "$dir/$1" ]; then
    head -c "$2" /dev/urandom | base64 | tr -d '\n' > "$dir/$1"
    echo "created $dir/$1"
  fi
}
new jdbc-password 24
new vault-key 32
new admin-token 32
new demo-client-secret 24   # the demo profile's emulated app registration (docs/compose.md)
