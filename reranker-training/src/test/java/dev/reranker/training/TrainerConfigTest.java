package dev.reranker.training;

import static java.util.stream.Collectors.toSet;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The builder's snapshot: complete, immutable, and leaving the builder reusable. */
class TrainerConfigTest {

  @Test
  void everyBuilderSettingIsCarriedIntoTheConfig() {
    // A setting added to the builder but not to TrainerConfig would be dropped by build().
    Set<String> settings =
        Arrays.stream(RerankerTrainer.Builder.class.getDeclaredFields())
            .filter(f -> !Modifier.isStatic(f.getModifiers()))
            .map(Field::getName)
            .collect(toSet());
    Set<String> components =
        Arrays.stream(TrainerConfig.class.getRecordComponents())
            .map(RecordComponent::getName)
            .collect(toSet());
    assertThat(components).isEqualTo(settings);
  }

  @Test
  void buildSnapshotsTheBuilder() {
    RerankerTrainer.Builder builder =
        RerankerTrainer.builder().output(Path.of("out")).epochs(5).multiLabel(true);
    RerankerTrainer first = builder.build();

    builder.epochs(7).seed(1).multiLabel(false);
    RerankerTrainer second = builder.build();

    assertThat(first.toString())
        .isEqualTo("RerankerTrainer{multiLabel=true, epochs=5, output=out}");
    assertThat(first.labels()).hasSize(1 + HeadType.REACTION_LABELS.size());
    assertThat(second.toString()).isEqualTo("RerankerTrainer{epochs=7, seed=1, output=out}");
    assertThat(second.labels()).containsExactly("upvote");
    assertThat(builder.toString())
        .isEqualTo("RerankerTrainer.Builder{epochs=7, seed=1, output=out}");
  }
}
