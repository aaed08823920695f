#!/usr/bin/env bash
# Deploys (or updates) the adtrack stack in one region or several, one after another: builds the jars once, then per
# region uploads the Lambda jars to this account's artifact bucket there, pushes the tracker image to the region's
# ECR (built once) unless IMAGE_URI is given, deploys cloudformation/adtrack.yaml, turns on termination protection
# and prints the tracking endpoint. Stops at the first region that fails and prints a summary of all of them.
#
# Why a loop over regions and not a CloudFormation StackSet: a stack needs, in its own region, the Lambda jars in a
# bucket and the image in ECR before it can be created, and a StackSet deploys templates only. The loop does those
# steps per region and shows each region's outcome in one place.
#
# Needs: AWS CLI with credentials for the target account; Maven + JDK 17 (unless SKIP_BUILD=1); Docker (unless
# IMAGE_URI is set); openssl. Nothing here is tied to one account.
set -euo pipefail

usage() {
  cat >&2 <<'EOF'
usage: cloudformation/deploy.sh [--dry-run] <region>[,<region>...] <stack-name>

  <region>...  one or more of the regions in cloudformation/regions, comma-separated, deployed in that order; the
               first that fails stops the rollout (the regions before it stay deployed)
  --dry-run    print every AWS call (and docker/mvn command) the deploy would make, with its parameters, and change
               nothing: the calls that only look (who am I, does the bucket / repository / image exist) are made and
               printed as "dry run, ran:", the others only printed as "dry run, would run:"

Environment (all optional):
  IMAGE_URI               tracker image already in ECR (<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>);
                          one region only. Without it the image is built from ./Dockerfile once and pushed to each
                          region's repository (needs docker)
  IMAGE_TAG               tag of a built image (default: the commit, plus the time when the checkout has changes)
  TRACKER_REPOSITORY      ECR repository for a built image (default adtrack-tracker; created if missing)
  TASK_ARCHITECTURE       X86_64 (default) or ARM64: the Fargate platform, and what a built image targets
  DOCKER_BUILD_ARGS       extra `docker build` arguments (default: --build-arg SKIP_TESTS=true, as `mvn -B verify`
                          is the gate before a deploy)
  CERTIFICATE_ARN         ACM certificate(s) for HTTPS on 443 (HTTP otherwise): one ARN per region, separated by
                          spaces or commas; each region takes the one issued in it
  ALARM_EMAIL             address subscribed to the alarm topic
  REDIS_AUTH_TOKEN_STAGE  staging label of the Redis AUTH token version to use (rotation; default AWSCURRENT)
  SKIP_BUILD=1            use the jars already in */target instead of running Maven
  PARAMETER_OVERRIDES     more Key=Value template parameters, space separated (e.g. "MinTasks=4 MaxTasks=40"), for
                          every region
EOF
  exit 2
}

die() {
  echo "deploy.sh: $*" >&2
  exit 1
}

# ---------------------------------------------------------------------------------------------- arguments
dry_run=0
positional=()
for argument in "$@"; do
  case $argument in
    --dry-run) dry_run=1 ;;
    -h | --help) usage ;;
    -*) echo "deploy.sh: unknown option $argument" >&2 && usage ;;
    *) positional+=("$argument") ;;
  esac
done
[[ ${#positional[@]} -eq 2 ]] || usage
IFS=, read -r -a regions <<<"${positional[0]}"
stack=${positional[1]}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
consumer_jar=$root/kinesis-consumer/target/kinesis-consumer.jar
updater_jar=$root/redis-updater/target/redis-updater.jar
architecture=${TASK_ARCHITECTURE:-X86_64}

[[ $stack =~ ^[A-Za-z][A-Za-z0-9-]{0,40}$ ]] || die "stack name must be a letter then up to 40 letters, digits, '-'"
mapfile -t supported < <(grep -Ev '^[[:space:]]*(#|$)' "$root/cloudformation/regions")
declare -A seen=()
for region in "${regions[@]}"; do
  [[ -z ${seen[$region]:-} ]] || die "region $region is listed twice"
  seen[$region]=1
  [[ " ${supported[*]} " == *" $region "* ]] || die "$region is not in cloudformation/regions (the regions the" \
    "template is checked for); add it there and run mvn -B verify first"
done
if [[ -n ${IMAGE_URI:-} && ${#regions[@]} -gt 1 ]]; then
  die "IMAGE_URI names one region's repository; leave it unset to build the image once and push it to each region"
fi

# Picks the certificate issued in a region from CERTIFICATE_ARN (empty when CERTIFICATE_ARN is unset).
certificate_for() {
  local arn arns=${CERTIFICATE_ARN:-}
  for arn in ${arns//,/ }; do
    [[ $arn == arn:*:acm:"$1":* ]] && echo "$arn" && return
  done
  [[ -z ${CERTIFICATE_ARN:-} ]] || return 1
}
for region in "${regions[@]}"; do
  certificate_for "$region" >/dev/null || die "CERTIFICATE_ARN has no certificate issued in $region"
done

# ---------------------------------------------------------------------------------------------- calls
# Everything that changes something goes through `act`, every look-up through `look`: with --dry-run, `act` prints
# the command instead of running it and `look` prints it and runs it. Printing goes to fd 3, the terminal's stdout,
# so it shows even from inside $(...).
exec 3>&1
print_command() {
  local prefix=$1 argument
  shift
  printf '%s' "$prefix" >&3
  for argument in "$@"; do
    # As a shell would read it back: bare when that is safe, else in single quotes.
    if [[ $argument =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then
      printf ' %s' "$argument" >&3
    else
      printf ' %s' "${argument@Q}" >&3
    fi
  done
  echo >&3
}
act() {
  if ((dry_run)); then
    print_command "dry run, would run:" "$@"
  else
    "$@"
  fi
}
look() {
  ((dry_run)) && print_command "dry run, ran:" "$@"
  "$@"
}

account=$(look aws sts get-caller-identity --query Account --output text)
[[ $account =~ ^[0-9]{12}$ ]] || die "could not read the AWS account id (got '$account')"

# ---------------------------------------------------------------------------------------------- jars (once)
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  echo "Building the jars (mvn package, tests skipped: run mvn -B verify before deploying)"
  (cd "$root" && act mvn -B -q -pl tracker-service,kinesis-consumer,redis-updater -am package -DskipTests)
fi
# Content-addressed keys: a changed jar gets a new key, which is what makes CloudFormation update the function.
digest_of() {
  if [[ -f $1 ]]; then
    openssl dgst -sha256 -r "$1" | cut -d' ' -f1
  elif ((dry_run)); then
    echo "sha256-of-the-built-jar"
  else
    die "missing $1 (build it, or unset SKIP_BUILD)"
  fi
}
consumer_key="lambda/kinesis-consumer-$(digest_of "$consumer_jar").jar"
updater_key="lambda/redis-updater-$(digest_of "$updater_jar").jar"
# Lambda's CodeSha256 (base64 of the raw digest): a new value publishes a new SnapStart version of the consumer.
if [[ -f $consumer_jar ]]; then
  consumer_sha256=$(openssl dgst -sha256 -binary "$consumer_jar" | openssl base64 -A)
else
  consumer_sha256=base64-sha256-of-the-built-jar
fi

# Tags never move (IMMUTABLE): a clean checkout is tagged by its commit, anything else by the time as well. One tag
# for every region of this run.
image_tag=${IMAGE_TAG:-}
if [[ -z ${IMAGE_URI:-} && -z $image_tag ]]; then
  image_tag=$(git -C "$root" rev-parse --short=12 HEAD 2>/dev/null || echo local)
  if [[ -n $(git -C "$root" status --porcelain 2>/dev/null || echo dirty) ]]; then
    image_tag="${image_tag}-dev-$(date -u +%Y%m%d%H%M%S)"
  fi
fi
repository=${TRACKER_REPOSITORY:-adtrack-tracker}
local_image="adtrack-tracker:$image_tag"
image_built=0

# ---------------------------------------------------------------------------------------------- one region
# Sets image_uri: IMAGE_URI, or the built image pushed to this region's repository.
push_image() {
  local region=$1
  if [[ -n ${IMAGE_URI:-} ]]; then
    image_uri=$IMAGE_URI
    return
  fi
  ((dry_run)) || command -v docker >/dev/null \
    || die "docker not found: build and push the image elsewhere and set IMAGE_URI"
  local registry="${account}.dkr.ecr.${region}.amazonaws.com"
  image_uri="$registry/$repository:$image_tag"
  if ! look aws ecr describe-repositories --repository-names "$repository" --region "$region" >/dev/null 2>&1; then
    act aws ecr create-repository --repository-name "$repository" --region "$region" \
      --image-scanning-configuration scanOnPush=true --image-tag-mutability IMMUTABLE >/dev/null
  fi
  if look aws ecr describe-images --repository-name "$repository" --image-ids "imageTag=$image_tag" \
    --region "$region" >/dev/null 2>&1; then
    echo "Image $image_uri already pushed"
    return
  fi
  if ((!image_built)); then
    local platform=linux/amd64
    [[ $architecture == ARM64 ]] && platform=linux/arm64
    # shellcheck disable=SC2086 # DOCKER_BUILD_ARGS is a list of arguments
    act docker build --platform "$platform" ${DOCKER_BUILD_ARGS:---build-arg SKIP_TESTS=true} -t "$local_image" \
      "$root"
    image_built=1
  fi
  act docker tag "$local_image" "$image_uri"
  if ((dry_run)); then
    print_command "dry run, would run:" aws ecr get-login-password --region "$region"
    print_command "   ... piped into:" docker login --username AWS --password-stdin "$registry"
  else
    aws ecr get-login-password --region "$region" | docker login --username AWS --password-stdin "$registry"
  fi
  act docker push "$image_uri"
}

deploy_region() {
  local region=$1
  echo "== $region"

  # The artifact bucket: one per account and region (S3 names are global; Lambda code must be in its region).
  local bucket="adtrack-artifacts-${account}-${region}"
  if ! look aws s3api head-bucket --bucket "$bucket" --region "$region" >/dev/null 2>&1; then
    echo "Creating artifact bucket s3://$bucket"
    if [[ $region == us-east-1 ]]; then
      act aws s3api create-bucket --bucket "$bucket" --region "$region" >/dev/null
    else
      act aws s3api create-bucket --bucket "$bucket" --region "$region" \
        --create-bucket-configuration "LocationConstraint=$region" >/dev/null
    fi
  fi
  # Every time, so a bucket made by an older deploy.sh gets them too: no public access, no request without TLS.
  act aws s3api put-public-access-block --bucket "$bucket" --region "$region" --public-access-block-configuration \
    BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
  act aws s3api put-bucket-policy --bucket "$bucket" --region "$region" --policy "$(tls_only_policy "$bucket")"
  act aws s3 cp "$consumer_jar" "s3://$bucket/$consumer_key" --region "$region" --only-show-errors
  act aws s3 cp "$updater_jar" "s3://$bucket/$updater_key" --region "$region" --only-show-errors

  push_image "$region"
  # The repository the task execution role may pull from: <registry>/<repository>[:tag|@digest]
  local repository_path=${image_uri#*/}
  repository_path=${repository_path%@*}

  local parameters=(
    "TrackerImageUri=$image_uri"
    "TrackerRepositoryName=${repository_path%%:*}"
    "TaskCpuArchitecture=$architecture"
    "ArtifactBucket=$bucket"
    "ConsumerCodeKey=$consumer_key"
    "ConsumerCodeSha256=$consumer_sha256"
    "UpdaterCodeKey=$updater_key"
    "RedisAuthTokenStage=${REDIS_AUTH_TOKEN_STAGE:-AWSCURRENT}"
  )
  local certificate
  certificate=$(certificate_for "$region")
  [[ -n $certificate ]] && parameters+=("CertificateArn=$certificate")
  [[ -n ${ALARM_EMAIL:-} ]] && parameters+=("AlarmEmail=$ALARM_EMAIL")
  if [[ -n ${PARAMETER_OVERRIDES:-} ]]; then
    local extra
    read -r -a extra <<<"$PARAMETER_OVERRIDES"
    parameters+=("${extra[@]}")
  fi

  echo "Deploying stack $stack in $region with image $image_uri"
  # The template is over CloudFormation's 51,200-byte inline limit, hence --s3-bucket.
  act aws cloudformation deploy \
    --region "$region" \
    --stack-name "$stack" \
    --template-file "$root/cloudformation/adtrack.yaml" \
    --s3-bucket "$bucket" \
    --s3-prefix templates \
    --capabilities CAPABILITY_IAM \
    --no-fail-on-empty-changeset \
    --parameter-overrides "${parameters[@]}"
  # The stack holds the tracking data's table and stream: deleting it takes a deliberate second step.
  act aws cloudformation update-termination-protection --enable-termination-protection \
    --region "$region" --stack-name "$stack" >/dev/null

  endpoint[$region]=$(output "$region" EndpointUrl)
  local dashboard
  dashboard=$(output "$region" DashboardUrl)
  if ((!dry_run)); then
    echo "Dashboard: $dashboard"
    echo "Endpoint:  ${endpoint[$region]}"
  fi
}

output() {
  act aws cloudformation describe-stacks --region "$1" --stack-name "$stack" \
    --query "Stacks[0].Outputs[?OutputKey=='$2'].OutputValue" --output text
}

tls_only_policy() {
  printf '{"Version":"2012-10-17","Statement":[{"Sid":"DenyRequestsWithoutTls","Effect":"Deny","Principal":"*",'
  printf '"Action":"s3:*","Resource":["arn:aws:s3:::%s","arn:aws:s3:::%s/*"],' "$1" "$1"
  printf '"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}'
}

# ---------------------------------------------------------------------------------------------- rollout
declare -A endpoint=()
deployed=()
current=
summary() {
  local status=$?
  local region outcome
  ((${#regions[@]} > 1 || status != 0)) || return "$status"
  local note=""
  ((!dry_run)) || note=" (dry run: nothing changed)"
  echo
  echo "Rollout of stack $stack$note:"
  for region in "${regions[@]}"; do
    if [[ " ${deployed[*]} " == *" $region "* ]] && ((dry_run)); then
      outcome="dry run done"
    elif [[ " ${deployed[*]} " == *" $region "* ]]; then
      outcome="deployed     ${endpoint[$region]:-}"
    elif [[ $region == "$current" ]]; then
      outcome="FAILED       (exit code $status; its output is above)"
    else
      outcome="not started"
    fi
    printf '  %-16s %s\n' "$region" "$outcome"
  done
  return "$status"
}
trap summary EXIT

for region in "${regions[@]}"; do
  current=$region
  deploy_region "$region"
  deployed+=("$region")
done
current=
