using System.Reflection;
using System.Security.Cryptography;
using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Infrastructure.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace EmotionRecognition.Infrastructure.Vad;

/// <summary>
/// Silero VAD v5 run by ONNX Runtime. The model reads 16 kHz audio in windows of 512 samples (32 ms),
/// each preceded by the last 64 samples of the window before (zeros for the first), so an onset on a
/// window boundary is seen whole; a recurrent state [2, 1, 128] carries what it heard from window to
/// window. Inputs <c>input</c> [1, 576] float, <c>state</c> [2, 1, 128] float, <c>sr</c> int64 scalar;
/// outputs <c>output</c> [1, 1] (speech probability) and <c>stateN</c>.
/// <para>
/// One <see cref="InferenceSession"/> serves every caller (ONNX Runtime's Run is thread-safe); each
/// <see cref="IVoiceActivitySession"/> owns its state, context and buffers. The session is limited to
/// one thread per call: the model is tiny, so intra-op threads cost more in hand-offs than they
/// save, and requests already run in parallel.
/// </para>
/// </summary>
public sealed class SileroVoiceActivityDetector : IVoiceActivityDetector, IDisposable
{
    public const string ModelResource = "silero_vad_v5.onnx";
    public const string ChecksumResource = "silero_vad_v5.SHA256SUMS";
    private const int ContextSamples = 64;
    private const int StateSize = 2 * 1 * 128;

    private readonly InferenceSession _session;

    public SileroVoiceActivityDetector()
        : this(ReadResource(ModelResource), ExpectedChecksum())
    {
    }

    /// <summary>Loads <paramref name="model"/> after checking it against <paramref name="sha256Hex"/>.</summary>
    public SileroVoiceActivityDetector(byte[] model, string sha256Hex)
    {
        var actual = Convert.ToHexStringLower(SHA256.HashData(model));
        if (!string.Equals(actual, sha256Hex, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"The voice-activity model's SHA-256 is {actual}, not the {sha256Hex} recorded beside it; the file is damaged or was replaced.");
        }
        _session = OnnxSessions.OnCallingThread(model);
    }

    public int SampleRateHz => 16_000;

    public int WindowSamples => 512;

    public IVoiceActivitySession StartSession() => new Session(this);

    public void Dispose() => _session.Dispose();

    private static byte[] ReadResource(string name)
    {
        using var stream = typeof(SileroVoiceActivityDetector).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The assembly lacks its embedded resource {name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The hash on the model's line of SHA256SUMS (sha256sum's "HASH  NAME" format).</summary>
    private static string ExpectedChecksum()
    {
        var text = System.Text.Encoding.ASCII.GetString(ReadResource(ChecksumResource));
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[1].TrimStart('*') == ModelResource)
                return parts[0];
        }
        throw new InvalidDataException($"SHA256SUMS has no line for {ModelResource}.");
    }

    private sealed class Session : IVoiceActivitySession
    {
        private static readonly string[] InputNames = ["input", "state", "sr"];
        private static readonly string[] OutputNames = ["output", "stateN"];

        private readonly SileroVoiceActivityDetector _owner;
        private readonly float[] _input;
        private readonly float[] _state = new float[StateSize];
        private readonly long[] _sampleRate;
        private readonly OrtValue _inputValue;
        private readonly OrtValue _stateValue;
        private readonly OrtValue _sampleRateValue;
        private readonly RunOptions _runOptions = new();
        private int _pending;  // samples of the next window already in _input after the context

        public Session(SileroVoiceActivityDetector owner)
        {
            _owner = owner;
            _input = new float[ContextSamples + owner.WindowSamples];
            _sampleRate = [owner.SampleRateHz];
            _inputValue = OrtValue.CreateTensorValueFromMemory(_input, [1, _input.Length]);
            _stateValue = OrtValue.CreateTensorValueFromMemory(_state, [2, 1, 128]);
            _sampleRateValue = OrtValue.CreateTensorValueFromMemory(_sampleRate, []);
        }

        public IReadOnlyList<float> Process(ReadOnlySpan<float> samples)
        {
            var window = _owner.WindowSamples;
            var probabilities = new List<float>((_pending + samples.Length) / window);
            while (!samples.IsEmpty)
            {
                var take = Math.Min(window - _pending, samples.Length);
                samples[..take].CopyTo(_input.AsSpan(ContextSamples + _pending));
                _pending += take;
                samples = samples[take..];
                if (_pending == window)
                {
                    probabilities.Add(RunWindow());
                    _pending = 0;
                }
            }
            return probabilities;
        }

        private float RunWindow()
        {
            float speech;
            using (var outputs = _owner._session.Run(_runOptions, InputNames, [_inputValue, _stateValue, _sampleRateValue], OutputNames))
            {
                speech = outputs[0].GetTensorDataAsSpan<float>()[0];
                outputs[1].GetTensorDataAsSpan<float>().CopyTo(_state);
            }
            // The window's last 64 samples become the next window's context.
            _input.AsSpan(_input.Length - ContextSamples).CopyTo(_input);
            return speech;
        }

        public void Dispose()
        {
            _inputValue.Dispose();
            _stateValue.Dispose();
            _sampleRateValue.Dispose();
            _runOptions.Dispose();
        }
    }
}
