package io.adtrack.conventions;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AwsRegionTest {

  @Test
  void theRegionTheProviderChainFinds_isTheOneUsed() {
    AwsRegion region = AwsRegion.resolve(() -> "eu-west-1");

    assertThat(region).isEqualTo(new AwsRegion("eu-west-1", false));
    assertThat(region).hasToString("eu-west-1");
  }

  @Test
  void whenTheChainFindsNone_theLocalDefault_isUsed_andSaysSo() {
    AwsRegion region = AwsRegion.resolve(() -> {
      throw new IllegalStateException("Unable to load region from any of the providers in the chain");
    });

    assertThat(region).isEqualTo(new AwsRegion("us-east-1", true));
    assertThat(region.toString()).startsWith("us-east-1 (the local default").contains("AWS_REGION");
  }
}
