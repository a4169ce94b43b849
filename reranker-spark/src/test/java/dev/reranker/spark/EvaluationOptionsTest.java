package dev.reranker.spark;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.spark.sql.Column;
import org.junit.jupiter.api.Test;

class EvaluationOptionsTest {
  @Test
  void aLabelIsRequired() {
    assertThatThrownBy(() -> EvaluationOptions.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("call label(...) before build(), e.g. upvoted(\"reaction\")");
  }

  @Test
  void defaults() {
    EvaluationOptions options = EvaluationOptions.builder().label(col("up")).build();
    assertThat(options.probabilityColumn()).isEqualTo("probability");
    assertThat(options.groupBy()).isEmpty();
    assertThat(options.eceBins()).isEqualTo(EvaluationOptions.DEFAULT_ECE_BINS).isEqualTo(15);
  }

  @Test
  void eceBinsAreBounded() {
    assertThatThrownBy(() -> EvaluationOptions.builder().eceBins(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("eceBins must be in [1, 10000], but was 0");
    assertThat(EvaluationOptions.builder().label(col("up")).eceBins(10_000).build().eceBins())
        .isEqualTo(10_000);
  }

  @Test
  void probabilityColumnMustNotBeBlank() {
    assertThatThrownBy(() -> EvaluationOptions.builder().probabilityColumn(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("probabilityColumn must not be blank");
  }

  @Test
  void groupByRefusesNullColumns() {
    assertThatThrownBy(() -> EvaluationOptions.builder().groupBy(col("a"), (Column) null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("groupBy[1] is null");
  }

  @Test
  void theBuilderStaysReusable() {
    EvaluationOptions.Builder builder =
        EvaluationOptions.builder().label(col("up")).groupBy(col("a"));
    EvaluationOptions first = builder.build();
    EvaluationOptions second = builder.groupBy(col("b"), col("c")).build();
    assertThat(first.groupBy()).hasSize(1);
    assertThat(second.groupBy()).hasSize(2);
  }
}
