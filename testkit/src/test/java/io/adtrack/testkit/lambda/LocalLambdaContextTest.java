package io.adtrack.testkit.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The context reports what Lambda's runtime would for one invocation of a function with a timeout. */
class LocalLambdaContextTest {

  @Test
  void remainingTimeCountsDownFromTheTimeout() {
    LocalLambdaContext context = new LocalLambdaContext("kinesis-consumer", Duration.ofSeconds(30));

    assertThat(context.getRemainingTimeInMillis()).isBetween(20_000, 30_000);
    assertThat(context.timedOut()).isFalse();
  }

  @Test
  void remainingTimeIsZero_notNegative_onceTheTimeoutHasPassed() {
    // A deadline already behind us: no waiting needed to be past it.
    LocalLambdaContext context = new LocalLambdaContext("kinesis-consumer", Duration.ofMillis(-5));

    assertThat(context.timedOut()).isTrue();
    assertThat(context.getRemainingTimeInMillis()).isZero();
  }

  @Test
  void namesTheFunction_andGivesEachInvocationItsOwnRequestId() {
    LocalLambdaContext first = new LocalLambdaContext("redis-updater", Duration.ofMinutes(1));
    LocalLambdaContext second = new LocalLambdaContext("redis-updater", Duration.ofMinutes(1));

    assertThat(first.getFunctionName()).isEqualTo("redis-updater");
    assertThat(first.getLogGroupName()).isEqualTo("/aws/lambda/redis-updater");
    assertThat(first.getInvokedFunctionArn())
        .isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:redis-updater");
    assertThat(first.getAwsRequestId()).isNotBlank().isNotEqualTo(second.getAwsRequestId());
    assertThat(first.getRemainingTimeInMillis()).isGreaterThan(50_000);
    assertThat(first.getLogger()).isNotNull();
  }
}
