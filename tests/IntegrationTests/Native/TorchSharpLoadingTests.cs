using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace EmotionRecognition.IntegrationTests.Native;

/// <summary>
/// Pins the build step in build/WeakenGlibcxxVersion.targets: without it libtorch
/// does not load on Debian 12 (libstdc++ lacks GLIBCXX_3.4.32).
/// </summary>
[TestFixture]
public sealed class TorchSharpLoadingTests
{
    private static string CopiedLibrary => Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");

    [Test]
    public void Tensor_TinyForwardPass_RunsInTheTestProcess()
    {
        using var scope = NewDisposeScope();
        var linear = nn.Linear(3, 2);
        var input = tensor(new float[] { 1, 2, 3 }).reshape(1, 3);
        using (no_grad())
        {
            var output = nn.functional.softmax(linear.forward(input), 1);
            Assert.That(output.shape, Is.EqualTo(new long[] { 1, 2 }));
            Assert.That(output.sum().item<float>(), Is.EqualTo(1f).Within(1e-6));
        }
    }

    [Test]
    public void CopiedLibrary_Glibcxx3432Requirement_IsMarkedWeak()
    {
        Assert.That(File.Exists(CopiedLibrary), Is.True, "the build copies libLibTorchSharp.so next to the tests");
        Assert.That(ElfVersionNeeds.Read(CopiedLibrary)["GLIBCXX_3.4.32"] & ElfVersionNeeds.VerFlgWeak, Is.EqualTo(ElfVersionNeeds.VerFlgWeak));
    }

    [Test]
    public void BuildStep_OnPristineLibrary_ChangesOnlyThatOneFlag()
    {
        var pristine = Path.Combine(NuGetPackagesFolder(), "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assume.That(File.Exists(pristine), "the TorchSharp package is in the NuGet cache");
        var copy = Path.Combine(Path.GetTempPath(), $"weaken-{Guid.NewGuid():N}.so");
        File.Copy(pristine, copy);
        try
        {
            var before = ElfVersionNeeds.Read(copy);
            Assert.That(before["GLIBCXX_3.4.32"] & ElfVersionNeeds.VerFlgWeak, Is.Zero, "NuGet's copy is not patched");

            RunBuildStep(copy);
            RunBuildStep(copy); // idempotent

            var after = ElfVersionNeeds.Read(copy);
            Assert.That(after["GLIBCXX_3.4.32"], Is.EqualTo(before["GLIBCXX_3.4.32"] | ElfVersionNeeds.VerFlgWeak));
            foreach (var (name, flags) in before.Where(kv => kv.Key != "GLIBCXX_3.4.32"))
            {
                Assert.That(after[name], Is.EqualTo(flags), name);
            }
            var a = File.ReadAllBytes(pristine);
            var b = File.ReadAllBytes(copy);
            Assert.That(b, Has.Length.EqualTo(a.Length));
            Assert.That(Enumerable.Range(0, a.Length).Count(i => a[i] != b[i]), Is.EqualTo(1), "exactly one byte differs");
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Test]
    public void BuildStep_OnLibraryWithoutTheRequirement_LeavesItByteIdentical()
    {
        // libstdc++ itself defines GLIBCXX versions but does not *need* GLIBCXX_3.4.32.
        var other = "/usr/lib/x86_64-linux-gnu/libz.so.1";
        Assume.That(File.Exists(other));
        var copy = Path.Combine(Path.GetTempPath(), $"weaken-{Guid.NewGuid():N}.so");
        File.Copy(other, copy);
        try
        {
            RunBuildStep(copy);
            Assert.That(File.ReadAllBytes(copy), Is.EqualTo(File.ReadAllBytes(other)));
        }
        finally
        {
            File.Delete(copy);
        }
    }

    private static void RunBuildStep(string file)
    {
        var targets = Path.Combine(RepositoryRoot(), "build", "WeakenGlibcxxVersion.targets");
        var psi = new ProcessStartInfo("dotnet", ["msbuild", targets, "-nologo", "-t:WeakenGlibcxxFile", $"-p:ElfFile={file}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, output);
    }

    private static string NuGetPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EmotionRecognition.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("EmotionRecognition.sln not found above " + AppContext.BaseDirectory);
    }
}
