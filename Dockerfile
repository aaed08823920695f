# syntax=docker/dockerfile:1
# The tracker's image. The build stage compiles tracker-service (and the modules it needs) with Maven; the runtime
# stage holds a JRE and the tracker's fat jar, nothing else.
#
#   docker build -t adtrack-tracker .                               # runs the tests of the modules it builds
#   docker build --build-arg SKIP_TESTS=true -t adtrack-tracker .   # when `mvn -B verify` has already run them
#
# Build for the platform the ECS task runs on (TaskCpuArchitecture): --platform linux/amd64 or linux/arm64.

FROM maven:3.9-eclipse-temurin-17 AS build
# Tests run against real stand-ins, and the Kinesis emulators are npm packages (package.json, installed by the root
# pom's `npm ci`), so testing needs Node in this stage. Skipping the tests skips Node and `npm ci` as well.
ARG SKIP_TESTS=false
RUN if [ "$SKIP_TESTS" != "true" ]; then \
      apt-get update \
      && apt-get install -y --no-install-recommends nodejs npm \
      && rm -rf /var/lib/apt/lists/*; \
    fi
WORKDIR /src
# The whole reactor: Maven reads every module's pom even for -pl (see .dockerignore for what stays out).
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -pl tracker-service -am package -DskipTests="$SKIP_TESTS" -Dexec.skip="$SKIP_TESTS"

FROM eclipse-temurin:17-jre AS runtime
# A fixed numeric non-root user, so a platform can verify runAsNonRoot. The spool's directory belongs to it: a volume
# mounted there (the task's ephemeral storage) takes the ownership declared here, and otherwise would be root's 0755.
RUN groupadd --system --gid 10001 tracker \
    && useradd --system --uid 10001 --gid tracker --no-create-home --home-dir /app --shell /usr/sbin/nologin tracker \
    && mkdir -p /var/spool/adtrack \
    && chown 10001:10001 /var/spool/adtrack
WORKDIR /app
COPY --from=build /src/tracker-service/target/tracker-service.jar /app/tracker-service.jar
USER 10001:10001
# Tracking calls on HTTP_PORT; health and metrics on MANAGEMENT_PORT, a port of their own off the public path.
ENV HTTP_PORT=8080
ENV MANAGEMENT_PORT=8081
# ACK_AFTER=spool (the default): an event is answered once it is appended here, so it outlives a crash of the JVM and
# a restart of the container. The task definition mounts a volume on the task's ephemeral storage at this path; ECS
# gives a volume the ownership and mode of the image's directory when the image declares it a VOLUME. /tmp too: the
# root file system is read-only in the task, and the JVM and Netty write there.
ENV SPOOL_DIR=/var/spool/adtrack
VOLUME ["/var/spool/adtrack", "/tmp"]
# glibc would give each busy thread its own malloc arena (64 MiB each, reserved): two are plenty for a JVM.
ENV MALLOC_ARENA_MAX=2
EXPOSE 8080 8081
# bash's /dev/tcp instead of curl, which the JRE image does not promise. ECS ignores this instruction: the task
# definition repeats the command (the cloudformation module's tests keep the two identical). No --start-period:
# dockerfilelint 1.8.0 rejects it, and three misses 15 s apart outlast the tracker's start by far anyway.
HEALTHCHECK --interval=15s --timeout=5s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${MANAGEMENT_PORT:-8081} && printf 'GET /health/live HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# Exec form: java is PID 1 and gets SIGTERM itself, so the tracker sends its spool to Kinesis before exiting. Heap
# capped as a share of the container's memory limit (room for the worst case: a full L1 cache and a full producer
# buffer), leaving the rest for Netty's direct buffers, metaspace and threads. The serial collector: on the 1 vCPU task
# the JVM would pick it itself, G1's concurrent machinery has no second core to use, and its own structures cost ~45 MiB
# of native memory. A fixed 48 MiB young generation: the tracker allocates ~6 KiB per call and keeps ~20-40 MiB live, so
# young collections come up to ten times a second and pause ~2 ms, and the heap stays small (bench/results). An initial
# heap of 96 MiB starts the old generation at 48 MiB: in the default spool mode the backlog lives on disk and the live
# set after a full collection is ~19 MiB (bench/results), so 48 MiB leaves room for what outlives young collections
# (60-250 KiB/s) for minutes, without the full collections of 40-120 ms a young task took while warming up when the old
# generation started at the start-up live set (~20 MiB). The memory and kinesis modes' producer buffer grows the heap
# when it must. A larger initial metaspace spares two full collections at start-up. Every 5 s the JVM hands memory glibc
# keeps after the JIT's and Netty's frees back to the OS (~20 MiB of RSS). An OutOfMemoryError ends the process so ECS
# replaces the task instead of leaving it half alive. Extra flags: JAVA_TOOL_OPTIONS (read by the JVM itself, no shell
# needed).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=70", "-XX:+UseSerialGC", "-Xms96m", "-Xmn48m", "-XX:MetaspaceSize=64m", "-XX:+UnlockExperimentalVMOptions", "-XX:TrimNativeHeapInterval=5000", "-XX:+ExitOnOutOfMemoryError", "-Dfile.encoding=UTF-8", "-jar", "/app/tracker-service.jar"]
