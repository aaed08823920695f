#!/usr/bin/env bash
# Deploys (or updates) the adtrack stack in one region: builds the jars, uploads the Lambda jars to this
# account's artifact bucket in that region, builds and pushes the tracker image unless IMAGE_URI is given,
# deploys cloudformation/adtrack.yaml and prints the tracking endpoint.
#
# Needs: AWS CLI with credentials for the target account; Maven + JDK 17 (unless SKIP_BUILD=1); Docker (unless
# IMAGE_URI is set); openssl. Nothing here is tied to one account or region.
set -euo pipefail

usage() {
  cat >&2 <<'EOF'
usage: cloudformation/deploy.sh <region> <stack-name>

Environment (all optional):
  IMAGE_URI               tracker image already in ECR (<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>);
                          without it the image is built from ./Dockerfile and pushed (needs docker)
  TRACKER_REPOSITORY      ECR repository for a built image (default adtrack-tracker; created if missing)
  TASK_ARCHITECTURE       X86_64 (default) or ARM64: the Fargate platform, and what a built image targets
  DOCKER_BUILD_ARGS       extra `docker build` arguments (default: --build-arg SKIP_TESTS=true, as `mvn -B verify`
                          is the gate before a deploy)
  CERTIFICATE_ARN         ACM certificate in the region: HTTPS on 443 (HTTP otherwise)
  ALARM_EMAIL             address subscribed to the alarm topic
  REDIS_AUTH_TOKEN_STAGE  staging label of the Redis AUTH token version to use (rotation; default AWSCURRENT)
  SKIP_BUILD=1            use the jars already in */target instead of running Maven
  PARAMETER_OVERRIDES     more Key=Value template parameters, space separated (e.g. "MinTasks=4 MaxTasks=40")
EOF
  exit 2
}

die() {
  echo "deploy.sh: $*" >&2
  exit 1
}

[[ $# -eq 2 ]] || usage
region=$1
stack=$2
[[ $region =~ ^[a-z]{2}(-[a-z]+)+-[0-9]+$ ]] || die "not a region name: $region"
[[ $stack =~ ^[A-Za-z][A-Za-z0-9-]{0,40}$ ]] || die "stack name must be a letter then up to 40 letters, digits, '-'"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
consumer_jar=$root/kinesis-consumer/target/kinesis-consumer.jar
updater_jar=$root/redis-updater/target/redis-updater.jar
architecture=${TASK_ARCHITECTURE:-X86_64}

account=$(aws sts get-caller-identity --query Account --output text)
[[ $account =~ ^[0-9]{12}$ ]] || die "could not read the AWS account id (got '$account')"

# ---------------------------------------------------------------------------------------------- jars
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  echo "Building the jars (mvn package, tests skipped: run mvn -B verify before deploying)"
  (cd "$root" && mvn -B -q -pl tracker-service,kinesis-consumer,redis-updater -am package -DskipTests)
fi
for jar in "$consumer_jar" "$updater_jar"; do
  [[ -f $jar ]] || die "missing $jar (build it, or unset SKIP_BUILD)"
done

# ---------------------------------------------------------------------------------------------- artifact bucket
# One per account and region: S3 bucket names are global, Lambda code must be in the function's region.
bucket="adtrack-artifacts-${account}-${region}"
if ! aws s3api head-bucket --bucket "$bucket" --region "$region" >/dev/null 2>&1; then
  echo "Creating artifact bucket s3://$bucket"
  if [[ $region == us-east-1 ]]; then
    aws s3api create-bucket --bucket "$bucket" --region "$region" >/dev/null
  else
    aws s3api create-bucket --bucket "$bucket" --region "$region" \
      --create-bucket-configuration "LocationConstraint=$region" >/dev/null
  fi
  aws s3api put-public-access-block --bucket "$bucket" --region "$region" --public-access-block-configuration \
    BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
fi

# Content-addressed keys: a changed jar gets a new key, which is what makes CloudFormation update the function.
upload() {
  local jar=$1 name=$2 digest key
  digest=$(openssl dgst -sha256 -r "$jar" | cut -d' ' -f1)
  key="lambda/${name}-${digest}.jar"
  aws s3 cp "$jar" "s3://$bucket/$key" --region "$region" --only-show-errors >&2
  echo "$key"
}
consumer_key=$(upload "$consumer_jar" kinesis-consumer)
updater_key=$(upload "$updater_jar" redis-updater)
# Lambda's CodeSha256 (base64 of the raw digest): a new value publishes a new SnapStart version of the consumer.
consumer_sha256=$(openssl dgst -sha256 -binary "$consumer_jar" | openssl base64 -A)

# ---------------------------------------------------------------------------------------------- tracker image
if [[ -n ${IMAGE_URI:-} ]]; then
  image_uri=$IMAGE_URI
else
  command -v docker >/dev/null || die "docker not found: build and push the image elsewhere and set IMAGE_URI"
  repository=${TRACKER_REPOSITORY:-adtrack-tracker}
  registry="${account}.dkr.ecr.${region}.amazonaws.com"
  if ! aws ecr describe-repositories --repository-names "$repository" --region "$region" >/dev/null 2>&1; then
    aws ecr create-repository --repository-name "$repository" --region "$region" \
      --image-scanning-configuration scanOnPush=true --image-tag-mutability IMMUTABLE >/dev/null
  fi
  # Tags never move (IMMUTABLE): a clean checkout is tagged by its commit, anything else by the time as well.
  tag=$(git -C "$root" rev-parse --short=12 HEAD 2>/dev/null || echo local)
  if [[ -n $(git -C "$root" status --porcelain 2>/dev/null || echo dirty) ]]; then
    tag="${tag}-dev-$(date -u +%Y%m%d%H%M%S)"
  fi
  image_uri="$registry/$repository:$tag"
  if aws ecr describe-images --repository-name "$repository" --image-ids "imageTag=$tag" --region "$region" \
    >/dev/null 2>&1; then
    echo "Image $image_uri already pushed"
  else
    platform=linux/amd64
    [[ $architecture == ARM64 ]] && platform=linux/arm64
    aws ecr get-login-password --region "$region" | docker login --username AWS --password-stdin "$registry"
    # shellcheck disable=SC2086 # DOCKER_BUILD_ARGS is a list of arguments
    docker build --platform "$platform" ${DOCKER_BUILD_ARGS:---build-arg SKIP_TESTS=true} -t "$image_uri" "$root"
    docker push "$image_uri"
  fi
fi
# The repository the task execution role may pull from: <registry>/<repository>[:tag|@digest]
repository_path=${image_uri#*/}
repository_path=${repository_path%@*}
repository_name=${repository_path%%:*}

# ---------------------------------------------------------------------------------------------- deploy
parameters=(
  "TrackerImageUri=$image_uri"
  "TrackerRepositoryName=$repository_name"
  "TaskCpuArchitecture=$architecture"
  "ArtifactBucket=$bucket"
  "ConsumerCodeKey=$consumer_key"
  "ConsumerCodeSha256=$consumer_sha256"
  "UpdaterCodeKey=$updater_key"
  "RedisAuthTokenStage=${REDIS_AUTH_TOKEN_STAGE:-AWSCURRENT}"
)
[[ -n ${CERTIFICATE_ARN:-} ]] && parameters+=("CertificateArn=$CERTIFICATE_ARN")
[[ -n ${ALARM_EMAIL:-} ]] && parameters+=("AlarmEmail=$ALARM_EMAIL")
if [[ -n ${PARAMETER_OVERRIDES:-} ]]; then
  read -r -a extra <<<"$PARAMETER_OVERRIDES"
  parameters+=("${extra[@]}")
fi

echo "Deploying stack $stack in $region with image $image_uri"
# The template is over CloudFormation's 51,200-byte inline limit, hence --s3-bucket.
aws cloudformation deploy \
  --region "$region" \
  --stack-name "$stack" \
  --template-file "$root/cloudformation/adtrack.yaml" \
  --s3-bucket "$bucket" \
  --s3-prefix templates \
  --capabilities CAPABILITY_IAM \
  --no-fail-on-empty-changeset \
  --parameter-overrides "${parameters[@]}"

output() {
  aws cloudformation describe-stacks --region "$region" --stack-name "$stack" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}
echo "Dashboard: $(output DashboardUrl)"
echo "Endpoint:  $(output EndpointUrl)"
