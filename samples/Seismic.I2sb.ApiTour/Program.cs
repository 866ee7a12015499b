// API tour: composes the Seismic.* builders directly (filled in as the libraries land).
Console.WriteLine("Seismic.I2sb API tour");
