// An MSBuild task, compiled by RoslynCodeTaskFactory (see SeismicNativeCompat.targets next to this file), so it is
// built against netstandard2.0: no records, no newer BCL overloads.
//
// Two native libraries our packages depend on were linked on newer systems than Debian 12 / Ubuntu 22.04 without
// needing anything newer from them:
// - TorchSharp 0.107's libLibTorchSharp.so requires GLIBCXX_3.4.32 only for _ZSt21ios_base_library_initv, a marker
//   that GCC 13's <iostream> references and nothing calls (no relocation uses it).
// - LightningDB 0.23's liblmdb.so requires GLIBC_2.38 only for __isoc23_strtol, glibc 2.38's C23 name for strtol (it
//   differs only in also accepting a "0b" prefix, which LMDB never parses).
// The dynamic loader refuses both libraries on glibc 2.36 / libstdc++ 6.0.30 because of those version requirements
// alone. This task edits the application's own copy of such a library (never the system, never the NuGet cache):
// a C23 alias is pointed at its classic symbol (its name is a suffix of the alias in the string table, so only the
// name offset and the version index change), and the requirement that then serves only markers is flagged
// VER_FLG_WEAK in its Elf64_Vernaux entry, which makes the loader accept a library without that version. Every other
// requirement is still checked; a requirement that any other symbol needs is left alone and reported.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class RelaxGlibcRequirements : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const uint ShtGnuVersym = 0x6fffffff;
    private const uint ShtDynsym = 11;
    private const ushort VerFlgWeak = 0x2;
    private const string C23Prefix = "__isoc23_";

    // Symbols referenced for their version only, never called.
    private static readonly string[] UnusedMarkers = { "_ZSt21ios_base_library_initv" };

    // glibc's base symbol versions, which every classic libc function has (x86-64, aarch64).
    private static readonly string[] BaseVersions = { "GLIBC_2.2.5", "GLIBC_2.17" };

    private static readonly string[] LibraryDirs =
    {
        "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
        "/lib64", "/usr/lib64", "/lib", "/usr/lib",
    };

    /// <summary>The ELF libraries to check (missing files are skipped).</summary>
    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>auto: relax only requirements this machine's libraries do not define; always: every relaxable one.</summary>
    public string Mode { get; set; } = "auto";

    public override bool Execute()
    {
        foreach (var item in Files)
        {
            string path = item.GetMetadata("FullPath");
            if (!File.Exists(path)) continue;
            try
            {
                foreach (string line in Relax(path))
                    Log.LogMessage(MessageImportance.Normal, $"{Path.GetFileName(path)}: {line}");
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                Log.LogWarning($"{path}: could not check its symbol versions ({e.Message}).");
            }
        }
        return !Log.HasLoggedErrors;
    }

    private IEnumerable<string> Relax(string path)
    {
        var elf = new ElfFile(File.ReadAllBytes(path));
        var edits = new List<KeyValuePair<int, byte[]>>();
        var report = new List<string>();
        foreach (var need in elf.VersionRequirements())
        {
            if ((need.Flags & VerFlgWeak) != 0 || (Mode != "always" && SystemDefines(need.File, need.Version)))
                continue;
            var users = elf.SymbolsWithVersion(need.Index);
            var aliases = users.Where(s => s.Name.StartsWith(C23Prefix, StringComparison.Ordinal)).ToList();
            var blocking = users.Where(s => !UnusedMarkers.Contains(s.Name) && !aliases.Contains(s)).Select(s => s.Name).ToList();
            var baseVersion = elf.VersionRequirements().FirstOrDefault(n => n.File == need.File && BaseVersions.Contains(n.Version));
            if (blocking.Count > 0 || (aliases.Count > 0 && baseVersion is null))
            {
                if (Mode != "always")
                    Log.LogWarning($"{path} needs {need.Version} from {need.File}, which this system lacks, for {string.Join(", ", blocking.DefaultIfEmpty("C23 symbols"))}: it will not load here.");
                continue;
            }
            foreach (var alias in aliases)
            {
                edits.Add(new KeyValuePair<int, byte[]>(alias.NameField, BitConverter.GetBytes(alias.NameOffset + (uint)C23Prefix.Length)));
                edits.Add(new KeyValuePair<int, byte[]>(alias.VersionField, BitConverter.GetBytes(baseVersion!.Index)));
                report.Add($"{alias.Name}@{need.Version} now binds to {alias.Name.Substring(C23Prefix.Length)}@{baseVersion.Version}");
            }
            edits.Add(new KeyValuePair<int, byte[]>(need.FlagsField, BitConverter.GetBytes((ushort)(need.Flags | VerFlgWeak))));
            report.Add($"{need.Version} requirement marked weak");
        }
        if (edits.Count > 0) WriteAtomically(path, edits);
        return report;
    }

    // Whether the system's copy of a library defines a version (its name appears in the file's version definitions).
    private static bool SystemDefines(string library, string version)
    {
        string? file = LibraryDirs.Select(d => Path.Combine(d, library)).FirstOrDefault(File.Exists);
        if (file is null) return true; // cannot tell: leave the requirement as it is
        byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
        byte[] bytes = File.ReadAllBytes(file);
        for (int i = 0; i <= bytes.Length - needle.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && bytes[i + j] == needle[j]) j++;
            if (j == needle.Length && (i == 0 || bytes[i - 1] == 0)) return true;
        }
        return false;
    }

    // Copy + edit + rename: an interrupted build never leaves a torn library behind. The copy keeps the file mode, and
    // the original time stamp is restored (the size never changes), so incremental builds see the file as up to date
    // and do not copy the package's original back over it.
    private static void WriteAtomically(string path, List<KeyValuePair<int, byte[]>> edits)
    {
        DateTime stamp = File.GetLastWriteTimeUtc(path);
        string temp = path + ".compat-tmp";
        File.Copy(path, temp, overwrite: true);
        using (var stream = new FileStream(temp, FileMode.Open, FileAccess.Write))
        {
            foreach (var edit in edits)
            {
                stream.Position = edit.Key;
                stream.Write(edit.Value, 0, edit.Value.Length);
            }
        }
        File.SetLastWriteTimeUtc(temp, stamp);
        File.Replace(temp, path, null); // a rename on Linux
    }

    private sealed class Requirement
    {
        public string File = "", Version = "";
        public ushort Flags, Index;
        public int FlagsField;
    }

    private sealed class Symbol
    {
        public string Name = "";
        public uint NameOffset;
        public int NameField, VersionField;
    }

    // The parts of a 64-bit little-endian ELF file that symbol versioning uses, read through section headers.
    private sealed class ElfFile
    {
        private readonly byte[] _b;
        private readonly (uint Type, int Offset, int Size, int Link, int Info)[] _sections;

        public ElfFile(byte[] bytes)
        {
            _b = bytes;
            if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F')
                throw new InvalidDataException("not an ELF file");
            if (bytes[4] != 2 || bytes[5] != 1)
                throw new InvalidDataException("not a 64-bit little-endian ELF file");
            long shoff = (long)BitConverter.ToUInt64(bytes, 0x28);
            int size = U16(0x3a), count = U16(0x3c);
            if (shoff <= 0 || size < 64 || shoff + (long)count * size > bytes.Length)
                throw new InvalidDataException("no usable section header table");
            _sections = Enumerable.Range(0, count).Select(i =>
            {
                int h = (int)shoff + i * size;
                return (U32(h + 4), checked((int)BitConverter.ToUInt64(bytes, h + 24)),
                        checked((int)BitConverter.ToUInt64(bytes, h + 32)), (int)U32(h + 40), (int)U32(h + 44));
            }).ToArray();
        }

        // Elf64_Verneed entries (16 bytes) and their Elf64_Vernaux entries (16 bytes).
        public IEnumerable<Requirement> VersionRequirements()
        {
            foreach (var verneed in _sections.Where(s => s.Type == ShtGnuVerneed))
            {
                int strings = _sections[verneed.Link].Offset;
                int need = verneed.Offset;
                for (int n = 0; n < verneed.Info; n++)
                {
                    string file = Str(strings + (int)U32(need + 4));
                    int aux = need + (int)U32(need + 8);
                    for (int a = 0; a < U16(need + 2); a++)
                    {
                        yield return new Requirement
                        {
                            File = file, Version = Str(strings + (int)U32(aux + 8)),
                            Flags = U16(aux + 4), Index = U16(aux + 6), FlagsField = aux + 4,
                        };
                        aux += (int)U32(aux + 12);
                    }
                    need += (int)U32(need + 12);
                }
            }
        }

        // Dynamic symbols (Elf64_Sym, 24 bytes) whose .gnu.version entry, hidden bit masked, is the given index.
        public List<Symbol> SymbolsWithVersion(ushort index)
        {
            var versym = _sections.First(s => s.Type == ShtGnuVersym);
            var dynsym = _sections.First(s => s.Type == ShtDynsym);
            int strings = _sections[dynsym.Link].Offset;
            return Enumerable.Range(0, dynsym.Size / 24)
                .Where(i => (U16(versym.Offset + 2 * i) & 0x7fff) == index)
                .Select(i => new Symbol
                {
                    NameOffset = U32(dynsym.Offset + 24 * i),
                    Name = Str(strings + (int)U32(dynsym.Offset + 24 * i)),
                    NameField = dynsym.Offset + 24 * i,
                    VersionField = versym.Offset + 2 * i,
                })
                .ToList();
        }

        private ushort U16(int o) => BitConverter.ToUInt16(_b, o);
        private uint U32(int o) => BitConverter.ToUInt32(_b, o);

        private string Str(int o)
        {
            int end = Array.IndexOf(_b, (byte)0, o);
            return Encoding.ASCII.GetString(_b, o, end - o);
        }
    }
}
