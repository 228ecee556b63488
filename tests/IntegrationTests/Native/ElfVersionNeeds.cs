using System.Buffers.Binary;
using System.Text;

namespace EmotionRecognition.IntegrationTests.Native;

/// <summary>
/// Reads the version requirements (.gnu.version_r, Elf64_Vernaux entries) of an
/// ELF64 little-endian file: version name to vna_flags. A reader independent of the
/// build step, so the test does not check the patcher with its own code.
/// </summary>
internal static class ElfVersionNeeds
{
    public const ushort VerFlgWeak = 0x2;

    public static Dictionary<string, ushort> Read(string path)
    {
        var elf = File.ReadAllBytes(path);
        var span = elf.AsSpan();
        ulong sectionTable = BinaryPrimitives.ReadUInt64LittleEndian(span[0x28..]);
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3A..]);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3C..]);
        var result = new Dictionary<string, ushort>();
        for (int s = 0; s < count; s++)
        {
            var header = span[(int)(sectionTable + (ulong)(s * entrySize))..];
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != 0x6ffffffe)
            {
                continue;
            }
            int stringTableIndex = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[40..]);
            var stringHeader = span[(int)(sectionTable + (ulong)(stringTableIndex * entrySize))..];
            int strings = (int)BinaryPrimitives.ReadUInt64LittleEndian(stringHeader[24..]);
            int need = (int)BinaryPrimitives.ReadUInt64LittleEndian(header[24..]);
            int needs = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[44..]);
            for (int n = 0; n < needs; n++)
            {
                int auxCount = BinaryPrimitives.ReadUInt16LittleEndian(span[(need + 2)..]);
                int aux = need + (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 8)..]);
                for (int a = 0; a < auxCount; a++)
                {
                    int nameAt = strings + (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(aux + 8)..]);
                    int length = span[nameAt..].IndexOf((byte)0);
                    result[Encoding.ASCII.GetString(elf, nameAt, length)] = BinaryPrimitives.ReadUInt16LittleEndian(span[(aux + 4)..]);
                    aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(aux + 12)..]);
                }
                need += (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 12)..]);
            }
        }
        return result;
    }
}
