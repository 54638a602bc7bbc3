#!/usr/bin/env bash
# Builds the web app and publishes it to the S3 bucket behind CloudFront (terraform/modules/web).
# Hashed assets are cached for a year; index.html is never cached, so a deploy is live as soon as
# the invalidation of that one path finishes. Usage (from the repository root):
#   deploy/web/publish.sh            # bucket and distribution read from terraform outputs
#   WEB_BUCKET=... WEB_DISTRIBUTION_ID=... VITE_WAF_CHALLENGE_URL=... deploy/web/publish.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

tf() { terraform -chdir=terraform/envs/prod output -raw "$1"; }
bucket="${WEB_BUCKET:-$(tf web_bucket)}"
distribution="${WEB_DISTRIBUTION_ID:-$(tf web_distribution_id)}"
# Baked into the build: the AWS WAF challenge script that lets API calls answer the edge's
# challenge. The identity provider's VITE_OIDC_* settings come from the caller's environment.
export VITE_WAF_CHALLENGE_URL="${VITE_WAF_CHALLENGE_URL:-$(tf waf_challenge_script_url)}"

bun install --frozen-lockfile --filter @tt/web
bun run --cwd web build

aws s3 sync web/dist/assets "s3://$bucket/assets" \
  --cache-control "public, max-age=31536000, immutable"
aws s3 sync web/dist "s3://$bucket" --delete --exclude "assets/*" \
  --cache-control "no-cache"
aws cloudfront create-invalidation --distribution-id "$distribution" --paths "/index.html" "/" >/dev/null
echo "published web/dist to s3://$bucket (distribution $distribution)"
