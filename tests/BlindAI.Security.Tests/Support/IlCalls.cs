using System.Reflection;
using System.Reflection.Emit;

namespace BlindAI.Security.Tests.Support;

/// <summary>
/// The methods a compiled method body calls, read from its IL (every <c>call</c>, <c>callvirt</c>, <c>newobj</c> and
/// <c>ldftn</c> operand resolved through the module's metadata tokens), so a test can assert deterministically which
/// comparison a code path uses.
/// </summary>
internal static class IlCalls
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    public static IReadOnlyList<MethodBase> Of(MethodBase method)
    {
        byte[] il = method.GetMethodBody()?.GetILAsByteArray() ?? throw new InvalidOperationException($"{method} has no IL body.");
        Type[] typeArguments = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : [];
        Type[] methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : [];
        var calls = new List<MethodBase>();
        int position = 0;
        while (position < il.Length)
        {
            short value = il[position] == 0xFE ? (short)(0xFE00 | il[position + 1]) : il[position];
            OpCode opCode = OpCodesByValue[value];
            position += opCode.Size;
            if (opCode.OperandType == OperandType.InlineMethod)
            {
                int token = BitConverter.ToInt32(il, position);
                calls.Add(method.Module.ResolveMethod(token, typeArguments, methodArguments)!);
            }

            position += OperandSize(opCode.OperandType, il, position);
        }

        return calls;
    }

    /// <summary>The declaring type and name of every called method, e.g. <c>CryptographicOperations.FixedTimeEquals</c>.</summary>
    public static IReadOnlyList<string> NamesOf(MethodBase method) =>
        [.. Of(method).Select(m => $"{m.DeclaringType?.Name}.{m.Name}")];

    private static int OperandSize(OperandType type, byte[] il, int position) => type switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, position)),
        _ => 4,
    };
}
