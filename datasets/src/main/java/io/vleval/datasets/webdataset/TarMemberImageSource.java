package io.vleval.datasets.webdataset;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.sample.ImageSource;
import io.vleval.api.sample.RgbImage;
import io.vleval.datasets.failure.FailureText;
import io.vleval.datasets.image.ImageDecoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An image inside a tar shard, known by its offset and size: nothing of it is held until a worker
 * loads it, so a shuffle buffer of samples holds only these few numbers per image.
 */
record TarMemberImageSource(
    Path shard, String member, long offset, int size, String sampleId, ImageDecoder decoder)
    implements ImageSource {

  @Override
  public RgbImage load() {
    ByteBuffer data = ByteBuffer.allocate(size);
    try (FileChannel channel = FileChannel.open(shard, StandardOpenOption.READ)) {
      while (data.hasRemaining()) {
        if (channel.read(data, offset + data.position()) < 0) {
          throw DatasetFormatException.forSample(
              sampleId,
              shard.toString(),
              "entry '" + member + "'",
              "the shard ends inside this image (it changed since it was listed?)");
        }
      }
    } catch (IOException e) {
      throw new DatasetFormatException(
          shard.toString(), "entry '" + member + "'", "cannot read: " + FailureText.of(e), e);
    }
    return decoder.decode(data.array(), origin());
  }

  @Override
  public String origin() {
    return shard + ": " + member;
  }
}
