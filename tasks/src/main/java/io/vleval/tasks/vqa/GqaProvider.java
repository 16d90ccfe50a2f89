package io.vleval.tasks.vqa;

import io.vleval.api.model.Capability;
import io.vleval.api.model.ImageChat;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.VisualQuestion;
import io.vleval.api.spec.Doc;
import io.vleval.api.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * GQA (testdev-balanced) with the short-answer prompt, scored as GQA's {@code eval.py} after
 * LLaVA's {@code convert_gqa_for_eval.py}: exact match of {@code reply.rstrip('.').lower()},
 * overall, binary/open and per structural and semantic type.
 */
public final class GqaProvider implements TaskProvider<GqaProvider.Spec> {

  /** Protocol settings; every default is the paper's evaluation. */
  public record Spec(
      @Doc(
              "llava (default: InternVL-Chat's LLaVA-based scripts, the paper's numbers) or internvl-chat (internvl_chat/eval/vqa/evaluate_vqa.py)")
          String protocol,
      @Doc(
              "llava (default: reply.rstrip('.').lower() as convert_gqa_for_eval.py, then exact match) or exact (the reply as it is)")
          String match,
      @Doc("text after the question (default: the protocol's)") String instruction,
      @Doc("minimum new tokens (default: llava 0, internvl-chat 1)") Integer minNewTokens,
      @Doc("maximum new tokens (default: llava 128, internvl-chat 10)") Integer maxNewTokens,
      @Doc("bootstrap resamples over questions (default 1000; 0 for none)") Integer resamples) {
    public Spec {
      protocol = VqaProtocol.protocolOrDefault(protocol);
      match = match == null ? GqaMatch.LLAVA.id() : match;
      byId(match);
      instruction =
          instruction == null
              ? VqaProtocol.defaultInstruction(Benchmark.GQA, protocol)
              : instruction;
      minNewTokens = minNewTokens == null ? (VqaProtocol.llava(protocol) ? 0 : 1) : minNewTokens;
      maxNewTokens =
          maxNewTokens == null ? VqaProtocol.defaultMaxNewTokens(protocol) : maxNewTokens;
      resamples = resamples == null ? 1000 : resamples;
      Specs.check(minNewTokens, maxNewTokens, resamples);
    }
  }

  static GqaMatch byId(String id) {
    List<String> ids = new ArrayList<>();
    for (GqaMatch m : GqaMatch.values()) {
      if (m.id().equals(id)) {
        return m;
      }
      ids.add(m.id());
    }
    throw new IllegalArgumentException(
        String.format(Locale.ROOT, "unknown match '%s'; expected one of %s", id, ids));
  }

  @Override
  public String type() {
    return "gqa";
  }

  @Override
  public String description() {
    return "GQA: short-answer prompt, greedy, exact match as GQA's eval.py after LLaVA's conversion; binary/open and per type";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<? extends Sample> sampleType() {
    return VisualQuestion.class;
  }

  @Override
  public Set<Class<? extends Capability>> requiredCapabilities(Spec spec) {
    return Set.of(ImageChat.class);
  }

  @Override
  public Task<?, ?> create(Spec spec) {
    return VqaTask.create(protocol(spec));
  }

  /** The settings a spec resolves to. */
  static VqaProtocol protocol(Spec spec) {
    Spec defaults = new Spec(spec.protocol(), null, null, null, null, spec.resamples());
    return new VqaProtocol(
        Benchmark.GQA,
        spec.protocol(),
        null,
        byId(spec.match()),
        spec.instruction(),
        false,
        false,
        spec.minNewTokens(),
        spec.maxNewTokens(),
        spec.resamples(),
        "llava".equals(spec.protocol()) && spec.equals(defaults));
  }
}
