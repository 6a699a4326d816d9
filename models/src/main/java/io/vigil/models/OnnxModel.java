package io.vigil.models;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * One ONNX model, loaded once and run on batches of windows shaped {@code [batch, time, channels]}.
 *
 * <p>All models of a JVM share the one {@link OrtEnvironment}. The session is checked against the
 * card when it opens: a model whose input or output names or shapes differ fails here, with the
 * names it does have, instead of on the first window. {@link #run} reuses a direct input buffer, so
 * an instance is not thread-safe; Flink gives every parallel task its own.
 */
public final class OnnxModel implements AutoCloseable {

    private final ModelCard card;
    private final OrtEnvironment environment;
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private FloatBuffer input;

    private OnnxModel(ModelCard card, OrtSession.SessionOptions options, OrtSession session) {
        this.card = card;
        this.environment = OrtEnvironment.getEnvironment();
        this.options = options;
        this.session = session;
    }

    /**
     * Loads the model at {@code location} with its own single-threaded session: a gateway scales by
     * Flink parallelism, and one intra-op thread per task keeps the cores for the rest of the job.
     */
    public static OnnxModel open(ModelLocation location) {
        return open(location, location.loadCard());
    }

    /** Loads the model at {@code location} whose card, already read from there, is {@code card}. */
    static OnnxModel open(ModelLocation location, ModelCard card) {
        byte[] onnx = location.loadOnnx();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // Vigil's INT8 files store weights as int8 + DequantizeLinear and keep activations in
            // float. ONNX Runtime keeps DequantizeLinear nodes for its quantized-kernel fusions
            // unless QDQ handling is off; off, constant folding restores the float weights once at
            // load instead of on every call.
            options.addConfigEntry("session.disable_quant_qdq", "1");
            OrtSession session = OrtEnvironment.getEnvironment().createSession(onnx, options);
            check(card, session);
            return new OnnxModel(card, options, session);
        } catch (OrtException | RuntimeException e) {
            options.close();
            if (e instanceof ModelLoadException m) {
                throw m;
            }
            throw new ModelLoadException(
                    "ONNX Runtime cannot load model '" + location + "': " + e.getMessage(), e);
        }
    }

    public ModelCard card() {
        return card;
    }

    /**
     * Runs the model on {@code batch} windows stored back to back in {@code windows} (each {@link
     * ModelCard#windowSize()} floats, already normalized) and returns the output, flattened: for a
     * {@code reconstruction} or {@code forecast} model {@code batch * outputSize()} floats,
     * time-major like the input ({@code outputSize() == windowSize()} for a reconstruction), for a
     * {@code rul} model one float per window.
     */
    public float[] run(float[] windows, int batch) {
        int size = batch * card.windowSize();
        if (windows.length < size) {
            throw new IllegalArgumentException(
                    "Expected "
                            + size
                            + " floats for "
                            + batch
                            + " windows, got "
                            + windows.length
                            + ".");
        }
        FloatBuffer buffer = inputBuffer(size);
        buffer.put(windows, 0, size).flip();
        long[] shape = {batch, card.windowLength(), card.channelCount()};
        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, buffer, shape);
                OrtSession.Result result = session.run(Map.of(card.inputName(), tensor))) {
            OnnxTensor output = (OnnxTensor) result.get(card.outputName()).orElseThrow();
            FloatBuffer flat = output.getFloatBuffer();
            int expected = outputSize(batch);
            if (flat.remaining() != expected) {
                // The load-time check cannot see dimensions the graph leaves symbolic.
                throw new IllegalStateException(
                        "Model '"
                                + card.name()
                                + "' returned "
                                + flat.remaining()
                                + " floats for a batch of "
                                + batch
                                + ", expected "
                                + expected
                                + " for task '"
                                + card.task()
                                + "'.");
            }
            float[] values = new float[expected];
            flat.get(values);
            return values;
        } catch (OrtException e) {
            throw new IllegalStateException(
                    "Model '"
                            + card.name()
                            + "' failed on a batch of "
                            + batch
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private FloatBuffer inputBuffer(int size) {
        // A direct buffer is handed to ONNX Runtime without a copy; grow it only for bigger
        // batches.
        if (input == null || input.capacity() < size) {
            input =
                    ByteBuffer.allocateDirect(size * Float.BYTES)
                            .order(ByteOrder.nativeOrder())
                            .asFloatBuffer();
        }
        input.clear();
        return input;
    }

    /** Floats the model returns for {@code batch} windows. */
    private int outputSize(int batch) {
        return ModelCard.RUL.equals(card.task()) ? batch : batch * card.outputSize();
    }

    private static void check(ModelCard card, OrtSession session) throws OrtException {
        long[] expected = {-1, card.windowLength(), card.channelCount()};
        checkTensor(card, "input", session.getInputInfo(), card.inputName(), expected);
        checkTensor(card, "output", session.getOutputInfo(), card.outputName(), null);
        if (session.getOutputInfo().get(card.outputName()).getInfo() instanceof TensorInfo output) {
            checkOutputShape(card, output.getShape());
        }
    }

    /**
     * The output must fit the card's task. A dimension the graph leaves symbolic (-1) passes here
     * and is checked on every {@link #run}. A task Vigil does not know is left to {@link
     * WindowScorer#open}, which names the tasks it supports.
     */
    private static void checkOutputShape(ModelCard card, long[] shape) {
        String rule;
        boolean matches;
        if (ModelCard.RECONSTRUCTION.equals(card.task())
                || ModelCard.FORECAST.equals(card.task())) {
            rule =
                    "the "
                            + card.task()
                            + " its card declares [batch, "
                            + card.outputLength()
                            + ", "
                            + card.channelCount()
                            + "]";
            matches =
                    shape.length == 3
                            && fits(shape[1], card.outputLength())
                            && fits(shape[2], card.channelCount());
        } else if (ModelCard.RUL.equals(card.task())) {
            rule = "[batch, 1] or [batch]";
            matches = shape.length == 1 || shape.length == 2 && fits(shape[1], 1);
        } else {
            return;
        }
        if (!matches) {
            throw new ModelLoadException(
                    "Model '"
                            + card.name()
                            + "' output '"
                            + card.outputName()
                            + "' has shape "
                            + Arrays.toString(shape)
                            + " but a '"
                            + card.task()
                            + "' model must output "
                            + rule
                            + ".");
        }
    }

    private static boolean fits(long dimension, long expected) {
        return dimension == expected || dimension == -1;
    }

    private static void checkTensor(
            ModelCard card,
            String kind,
            Map<String, NodeInfo> infos,
            String name,
            long[] expected) {
        NodeInfo info = infos.get(name);
        if (info == null) {
            throw new ModelLoadException(
                    "Model '"
                            + card.name()
                            + "' has no "
                            + kind
                            + " named '"
                            + name
                            + "'; its "
                            + kind
                            + "s are "
                            + infos.keySet()
                            + ".");
        }
        if (expected != null && info.getInfo() instanceof TensorInfo tensor) {
            long[] shape = tensor.getShape();
            boolean matches = shape.length == expected.length;
            for (int i = 1; matches && i < shape.length; i++) {
                matches = shape[i] == expected[i];
            }
            if (!matches) {
                throw new ModelLoadException(
                        "Model '"
                                + card.name()
                                + "' "
                                + kind
                                + " '"
                                + name
                                + "' has shape "
                                + Arrays.toString(shape)
                                + " but its card says [batch, "
                                + expected[1]
                                + ", "
                                + expected[2]
                                + "].");
            }
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("Cannot close model '" + card.name() + "'.", e);
        } finally {
            options.close();
        }
    }
}
