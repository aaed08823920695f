package io.adtrack.tracker.kinesis;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.adtrack.conventions.AwsRegion;
import io.adtrack.tracker.config.TrackerConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The tracker's one Kinesis client with the two threads it runs on: its I/O event loop and the timer of its call
 * timeouts. Both are ours rather than the SDK's, so closing does not block: the SDK would wait out Netty's two-second
 * quiet period on its own event loop, and the tracker closes the client on a Vert.x event loop.
 */
public final class KinesisConnection implements AutoCloseable {

  private final AwsRegion region;
  private final DefaultCredentialsProvider credentials;
  private final ScheduledThreadPoolExecutor callTimeouts;
  private final EventLoopGroup io;
  private final KinesisAsyncClient client;

  private KinesisConnection(AwsRegion region, DefaultCredentialsProvider credentials,
      ScheduledThreadPoolExecutor callTimeouts, EventLoopGroup io, KinesisAsyncClient client) {
    this.region = region;
    this.credentials = credentials;
    this.callTimeouts = callTimeouts;
    this.io = io;
    this.client = client;
  }

  /**
   * Builds the client. The AWS SDK resolves the credentials and any endpoint override itself (AWS_ENDPOINT_URL_KINESIS,
   * AWS_ENDPOINT_URL, the profile), and the region by its provider chain, else {@link AwsRegion#LOCAL_DEFAULT}; a
   * malformed endpoint fails here, with an {@code SdkClientException}. Netty HTTP client passed explicitly, no SDK
   * retries (the sender retries itself). Futures complete on the I/O thread rather than after a hop through the
   * SDK's own completion pool: the one thing that waits on them, the Kinesis sender, only hands the result over to
   * its Vert.x context.
   */
  public static KinesisConnection open(TrackerConfig.Kinesis settings) {
    return open(settings, List.of());
  }

  /** {@link #open(TrackerConfig.Kinesis)} with interceptors that watch every call, for tests. */
  // NioEventLoopGroup is deprecated in Netty 4.2, but it is the group type the SDK's Netty client recognises.
  @SuppressWarnings("deprecation")
  static KinesisConnection open(TrackerConfig.Kinesis settings, List<ExecutionInterceptor> interceptors) {
    AwsRegion region = AwsRegion.resolve(() -> new DefaultAwsRegionProviderChain().getRegion().id());
    // In ECS the credentials come over HTTP and expire: they are refreshed on a thread of the provider's own, not by
    // the call that finds them stale, which would be the sender on its event loop.
    DefaultCredentialsProvider credentials = DefaultCredentialsProvider.builder()
        .asyncCredentialUpdateEnabled(true).build();
    ScheduledThreadPoolExecutor callTimeouts = callTimeouts();
    // PutRecords of up to 500 records, a hundred or so a second at full load: one I/O thread carries that, where
    // Netty's default of two per core only adds threads competing with the HTTP event loops.
    EventLoopGroup io = new NioEventLoopGroup(1,
        new ThreadFactoryBuilder().setNameFormat("kinesis-io").setDaemon(true).build());
    try {
      return new KinesisConnection(region, credentials, callTimeouts, io, KinesisAsyncClient.builder()
          .region(Region.of(region.id()))
          .credentialsProvider(credentials)
          .httpClientBuilder(NettyNioAsyncHttpClient.builder()
              // The Kinesis client defaults to HTTP/2 (for SubscribeToShard); PutRecords needs none of it, and the
              // emulators speak HTTP/1.1 only.
              .protocol(Protocol.HTTP1_1)
              .eventLoopGroup(SdkEventLoopGroup.create(io))
              // No more connections than calls in flight: each pooled connection keeps its last request and
              // answer (up to 5 MiB each) reachable until it is used again, and a rarely used one holds them long
              // enough to be tenured, filling the old generation with garbage only a full collection frees.
              .maxConcurrency(settings.maxInFlight())
              .connectionTimeout(Duration.ofSeconds(2))
              .connectionAcquisitionTimeout(Duration.ofSeconds(10)))
          .overrideConfiguration(o -> o
              .executionInterceptors(interceptors)
              .retryStrategy(b -> b.maxAttempts(1))
              .apiCallTimeout(Duration.ofSeconds(30))
              .scheduledExecutorService(callTimeouts))
          .asyncConfiguration(a -> a.advancedOption(SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR,
              Runnable::run))
          .build());
    } catch (RuntimeException e) {
      credentials.close();
      callTimeouts.shutdownNow();
      io.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  public KinesisAsyncClient client() {
    return client;
  }

  /** The region the client calls, and whether it is the local default, for the start-up log. */
  public AwsRegion region() {
    return region;
  }

  /** Closes the client and lets its threads go without waiting: by now the sender has no call left in flight. */
  @Override
  public void close() {
    client.close();
    // Its refresh thread: whether the client closes a provider it was given is not promised; twice does no harm.
    credentials.close();
    callTimeouts.shutdownNow();
    io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /**
   * The timers of the client's call timeouts. The SDK schedules one per call and cancels it when the call ends, but
   * its own executor keeps a cancelled task queued until its 30 s are up, and with it the call's future and the
   * answer that completed it: at full load some 100 calls a second, each held 30 s, tenured and then garbage that
   * only a full collection frees. Here a cancelled timer leaves the queue at once.
   */
  static ScheduledThreadPoolExecutor callTimeouts() {
    ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1,
        new ThreadFactoryBuilder().setNameFormat("kinesis-call-timeouts").setDaemon(true).build());
    timers.setRemoveOnCancelPolicy(true);
    return timers;
  }
}
