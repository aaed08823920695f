package io.adtrack.consumer;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A Lambda context whose invocation ends a fixed time after it was created (no runtime here to supply one). */
final class TestContext implements Context {

  private final long endNanos;

  private TestContext(Duration timeout) {
    this.endNanos = System.nanoTime() + timeout.toNanos();
  }

  /** An invocation with the given time left, as Lambda reports it through getRemainingTimeInMillis. */
  static TestContext withRemainingTime(Duration timeout) {
    return new TestContext(timeout);
  }

  @Override
  public int getRemainingTimeInMillis() {
    return (int) Duration.ofNanos(endNanos - System.nanoTime()).toMillis();
  }

  @Override
  public String getAwsRequestId() {
    return "test-request";
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/kinesis-consumer";
  }

  @Override
  public String getLogStreamName() {
    return "test";
  }

  @Override
  public String getFunctionName() {
    return "kinesis-consumer";
  }

  @Override
  public String getFunctionVersion() {
    return "$LATEST";
  }

  @Override
  public String getInvokedFunctionArn() {
    return "arn:aws:lambda:us-east-1:123456789012:function:kinesis-consumer";
  }

  @Override
  public CognitoIdentity getIdentity() {
    return null;
  }

  @Override
  public ClientContext getClientContext() {
    return null;
  }

  @Override
  public int getMemoryLimitInMB() {
    return 512;
  }

  @Override
  public LambdaLogger getLogger() {
    return new LambdaLogger() {
      @Override
      public void log(String message) {
        System.out.println(message);
      }

      @Override
      public void log(byte[] message) {
        System.out.println(new String(message, StandardCharsets.UTF_8));
      }
    };
  }
}
