package io.adtrack.testkit.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The context reports what Lambda's runtime would for one invocation of a function with a timeout. */
class LocalLambdaContextTest {

  private final AtomicLong clock = new AtomicLong(123_456_789L);

  @Test
  void remainingTimeCountsDownFromTheTimeout() {
    LocalLambdaContext context = new LocalLambdaContext("kinesis-consumer", Duration.ofSeconds(30), clock::get);
    assertThat(context.getRemainingTimeInMillis()).isEqualTo(30_000);

    clock.addAndGet(Duration.ofMillis(12_345).toNanos());

    assertThat(context.getRemainingTimeInMillis()).isEqualTo(17_655);
    assertThat(context.timedOut()).isFalse();
  }

  @Test
  void remainingTimeIsZero_notNegative_onceTheTimeoutHasPassed() {
    LocalLambdaContext context = new LocalLambdaContext("kinesis-consumer", Duration.ofSeconds(30), clock::get);

    clock.addAndGet(Duration.ofSeconds(30).plusNanos(1).toNanos());

    assertThat(context.timedOut()).isTrue();
    assertThat(context.getRemainingTimeInMillis()).isZero();
  }

  @Test
  void namesTheFunction_andGivesEachInvocationItsOwnRequestId() {
    LocalLambdaContext first = new LocalLambdaContext("redis-updater", Duration.ofMinutes(1), clock::get);
    LocalLambdaContext second = new LocalLambdaContext("redis-updater", Duration.ofMinutes(1));

    assertThat(first.getFunctionName()).isEqualTo("redis-updater");
    assertThat(first.getLogGroupName()).isEqualTo("/aws/lambda/redis-updater");
    assertThat(first.getInvokedFunctionArn())
        .isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:redis-updater");
    assertThat(first.getAwsRequestId()).isNotBlank().isNotEqualTo(second.getAwsRequestId());
    assertThat(first.getRemainingTimeInMillis()).isEqualTo(60_000);
    assertThat(first.getLogger()).isNotNull();
  }
}
