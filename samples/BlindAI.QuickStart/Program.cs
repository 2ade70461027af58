Console.WriteLine("BlindAI quick start: not built yet.");
