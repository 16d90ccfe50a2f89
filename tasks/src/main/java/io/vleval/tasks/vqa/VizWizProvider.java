package io.vleval.tasks.vqa;

import io.vleval.api.model.Capability;
import io.vleval.api.model.ImageChat;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.VisualQuestion;
import io.vleval.api.spec.Doc;
import io.vleval.api.task.Task;
import java.util.Set;

/**
 * VizWiz questions with the unanswerable instruction, scored with the VQA accuracy (default:
 * LLaVA's submission path, EvalAI answer processing then VizWiz's scorer).
 */
public final class VizWizProvider implements TaskProvider<VizWizProvider.Spec> {

  /** Protocol settings; every default is the paper's evaluation. */
  public record Spec(
      @Doc(
              "llava (default: InternVL-Chat's LLaVA-based scripts, the paper's numbers) or internvl-chat (internvl_chat/eval/vqa/evaluate_vqa.py)")
          String protocol,
      @Doc(
              "per-question accuracy: vqa-2016, vqa-2021, m4c, vizwiz, evalai+vqa-2021 or evalai+vizwiz (default: llava evalai+vizwiz, internvl-chat m4c)")
          String scorer,
      @Doc("text after the question (default: the protocol's)") String instruction,
      @Doc("minimum new tokens (default: llava 0, internvl-chat 1)") Integer minNewTokens,
      @Doc("maximum new tokens (default: llava 128, internvl-chat 10)") Integer maxNewTokens,
      @Doc("bootstrap resamples over questions (default 1000; 0 for none)") Integer resamples) {
    public Spec {
      protocol = VqaProtocol.protocolOrDefault(protocol);
      scorer = scorer == null ? VqaProtocol.defaultScorer(Benchmark.VIZWIZ, protocol).id() : scorer;
      VqaScorer.byId(scorer);
      instruction =
          instruction == null
              ? VqaProtocol.defaultInstruction(Benchmark.VIZWIZ, protocol)
              : instruction;
      minNewTokens = minNewTokens == null ? (VqaProtocol.llava(protocol) ? 0 : 1) : minNewTokens;
      maxNewTokens =
          maxNewTokens == null ? VqaProtocol.defaultMaxNewTokens(protocol) : maxNewTokens;
      resamples = resamples == null ? 1000 : resamples;
      Specs.check(minNewTokens, maxNewTokens, resamples);
    }
  }

  @Override
  public String type() {
    return "vizwiz";
  }

  @Override
  public String description() {
    return "VizWiz: unanswerable instruction, greedy, VizWiz accuracy (scorer variants), overall and per answer type";
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
        Benchmark.VIZWIZ,
        spec.protocol(),
        VqaScorer.byId(spec.scorer()),
        null,
        spec.instruction(),
        false,
        false,
        spec.minNewTokens(),
        spec.maxNewTokens(),
        spec.resamples(),
        "llava".equals(spec.protocol()) && spec.equals(defaults));
  }
}
