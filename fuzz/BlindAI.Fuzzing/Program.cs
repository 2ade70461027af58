// Entry point filled in by the issue 8 work (see the project's README once it lands).
Console.Error.WriteLine("Not built yet.");
return 2;
