package io.vleval.tasks.captioning;

import java.util.List;

/** A tokenized caption corpus encoded once as n-gram counts, shared by BLEU and CIDEr-D. */
final class CaptionCorpus {

  final NgramIndex index;
  final SentenceNgrams[] hypotheses;
  final SentenceNgrams[][] references;

  CaptionCorpus(List<CaptionSample> tokenized) {
    int sentences = 0;
    for (CaptionSample s : tokenized) {
      sentences += 1 + s.references().size();
    }
    index = new NgramIndex(sentences);
    hypotheses = new SentenceNgrams[tokenized.size()];
    references = new SentenceNgrams[tokenized.size()][];
    for (int i = 0; i < tokenized.size(); i++) {
      CaptionSample s = tokenized.get(i);
      references[i] = new SentenceNgrams[s.references().size()];
      for (int r = 0; r < references[i].length; r++) {
        references[i][r] = index.encode(s.references().get(r));
      }
      hypotheses[i] = index.encode(s.prediction());
    }
  }

  int size() {
    return hypotheses.length;
  }
}
