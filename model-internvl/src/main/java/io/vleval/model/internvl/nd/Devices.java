package io.vleval.model.internvl.nd;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import io.vleval.api.error.VlevalException;
import java.util.regex.Pattern;

/** The {@code device:} option of models and training runs, and copies of results to the host. */
public final class Devices {

    /** What {@code device:} accepts. */
    public static final Pattern SPEC = Pattern.compile("auto|cpu|gpu:\\d+");

    private Devices() {}

    /**
     * Resolves a device option against what the engine sees.
     *
     * @param spec {@code auto} (the first GPU when PyTorch sees one, else the CPU), {@code cpu} or {@code gpu:N}
     * @return the device
     * @throws VlevalException when a GPU is asked for that PyTorch does not see
     */
    public static Device parse(String spec) {
        int gpus = Engine.getEngine("PyTorch").getGpuCount();
        if (spec.equals("cpu") || (spec.equals("auto") && gpus == 0)) {
            return Device.cpu();
        }
        if (spec.equals("auto")) {
            return Device.gpu(0);
        }
        int id = Integer.parseInt(spec.substring("gpu:".length()));
        if (id >= gpus) {
            throw new VlevalException("device: " + spec + " asked for, but PyTorch sees " + gpus
                    + " GPU(s) (the CPU build of libtorch sees none); use device: auto or cpu");
        }
        return Device.gpu(id);
    }

    /**
     * The name a run records.
     *
     * @param d a device
     * @return {@code cpu} or {@code gpu:N}
     */
    public static String name(Device d) {
        return d.isGpu() ? "gpu:" + d.getDeviceId() : "cpu";
    }

    /**
     * Copies an array's values to Java as float32, from any device and float type.
     *
     * @param a the array (left as it is)
     * @return its values, row-major
     */
    public static float[] floats(NDArray a) {
        if (a.getDevice().isGpu() || a.getDataType() != ai.djl.ndarray.types.DataType.FLOAT32) {
            try (NDArray host = Precision.toFloat32(a).toDevice(Device.cpu(), true)) {
                return host.toFloatArray();
            }
        }
        return a.toFloatArray();
    }
}
