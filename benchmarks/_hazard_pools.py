"""Name, place and junk pools of ``hazards.py`` (data only).

Every pool is ordered from most to least common; the generator draws from it with Zipf-like
weights, so the first entries are frequent and the tail is rare, as in a real population.
Chinese names are (Hanzi, pinyin) pairs.  Latin names keep their diacritics; the generator
folds them to ASCII in some records, as many systems do.
"""

from __future__ import annotations

LOCALES = ("en", "de", "fr", "es", "it", "nl", "pl", "zh")

# Share of people per locale (the customer base of a European-American-Chinese retailer).
LOCALE_WEIGHTS = {"en": 0.30, "de": 0.14, "fr": 0.11, "es": 0.11, "it": 0.07, "nl": 0.05,
                  "pl": 0.06, "zh": 0.16}

FIRST_MALE = {
    "en": "James John Robert Michael William David Richard Joseph Thomas Charles Christopher "
          "Daniel Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian "
          "George Timothy Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan "
          "Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander Patrick Frank "
          "Raymond Jack Dennis Jerry Tyler Aaron Henry Douglas Peter Adam Nathan Zachary Walter "
          "Kyle Harold Carl Arthur Gerald Roger Keith Lawrence Terry Sean Christian Austin "
          "Ethan Noah Dylan Logan Wayne Ralph Roy Eugene Louis Philip Bobby Russell Vincent",
    "de": "Thomas Michael Andreas Stefan Peter Klaus Wolfgang Jürgen Frank Uwe Christian "
          "Markus Bernd Matthias Martin Hans Günter Dieter Jörg Ralf Sven Tobias Florian "
          "Alexander Sebastian Daniel Jan Lukas Jonas Leon Felix Maximilian Paul Niklas Tim "
          "Johannes Philipp Moritz Julian Fabian Dirk Holger Heinz Horst Helmut Manfred Rainer "
          "Werner Karl Friedrich Wilhelm Georg Ludwig Kurt Norbert Detlef Volker Torsten Björn "
          "Kai Lars Oliver Simon David Benedikt Dominik Marcel Patrick Timo Henrik Ole",
    "fr": "Jean Pierre Michel André Philippe Alain Bernard Jacques Daniel Patrick Nicolas "
          "Christophe Frédéric Laurent Stéphane Éric David Julien Sébastien Thomas Olivier "
          "François Pascal Thierry Guillaume Vincent Antoine Maxime Alexandre Romain Hugo "
          "Lucas Louis Gabriel Arthur Raphaël Jules Mathis Théo Nathan Clément Quentin "
          "Benoît Cédric Jérôme Fabrice Gilles Yves Marcel Claude Gérard René Roger Henri "
          "Jean-Pierre Jean-Claude Jean-Luc Jean-Marc Jean-François Marc Loïc Rémi Baptiste",
    "es": "José Antonio Manuel Francisco Juan David Javier Daniel Carlos Jesús Alejandro "
          "Miguel Rafael Pedro Pablo Ángel Sergio Fernando Jorge Luis Alberto Álvaro Adrián "
          "Diego Raúl Enrique Ramón Vicente Ignacio Andrés Joaquín Rubén Óscar Santiago "
          "Víctor Emilio Eduardo Mario Marcos Roberto Tomás Iván Hugo Lucas Martín Mateo "
          "Gonzalo Guillermo Agustín Salvador Gabriel Alfonso Julio Ricardo Felipe Jaime "
          "José_Luis Juan_Carlos Francisco_Javier José_Manuel Juan_José",
    "it": "Giuseppe Giovanni Antonio Mario Luigi Francesco Angelo Vincenzo Pietro Salvatore "
          "Carlo Franco Domenico Bruno Paolo Michele Giorgio Aldo Sergio Luciano Marco Andrea "
          "Alessandro Matteo Lorenzo Davide Simone Federico Riccardo Stefano Massimo Roberto "
          "Fabio Enrico Alberto Emanuele Gabriele Leonardo Tommaso Filippo Edoardo Nicola "
          "Claudio Maurizio Giacomo Raffaele Gianluca Daniele Alessio Cristian",
    "nl": "Jan Johannes Cornelis Hendrik Willem Pieter Gerrit Jacobus Dirk Adrianus Peter "
          "Johan Hans Kees Bram Daan Sem Lucas Thijs Jesse Ruben Bas Niels Sander Joost "
          "Maarten Tim Stijn Lars Koen Jeroen Wouter Rik Tom Erik Martijn Mark Rob Frank Gijs",
    "pl": "Piotr Krzysztof Andrzej Tomasz Paweł Jan Michał Marcin Jakub Adam Stanisław "
          "Marek Łukasz Grzegorz Mateusz Wojciech Mariusz Dariusz Zbigniew Jerzy Maciej "
          "Rafał Kamil Robert Józef Szymon Kacper Dawid Bartosz Filip Sebastian Przemysław",
}

FIRST_FEMALE = {
    "en": "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa "
          "Nancy Betty Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda "
          "Dorothy Melissa Deborah Stephanie Rebecca Sharon Laura Cynthia Kathleen Amy Angela "
          "Shirley Anna Brenda Pamela Emma Nicole Helen Samantha Katherine Christine Debra "
          "Rachel Carolyn Janet Catherine Maria Heather Diane Ruth Julie Olivia Joyce Virginia "
          "Victoria Kelly Lauren Christina Joan Evelyn Judith Megan Andrea Cheryl Hannah "
          "Jacqueline Martha Gloria Teresa Ann Sara Madison Frances Kathryn Janice Jean Abigail "
          "Alice Judy Sophia Grace Denise Amber Doris Marilyn Danielle Beverly Isabella Chloe",
    "de": "Sabine Susanne Petra Andrea Claudia Nicole Stefanie Monika Anja Katrin Ursula "
          "Birgit Karin Heike Gabriele Renate Martina Christine Julia Anna Laura Lea Lena "
          "Sarah Hannah Leonie Lisa Marie Sophie Katharina Johanna Emma Mia Lina Clara Jana "
          "Melanie Sandra Tanja Silke Kerstin Elke Ingrid Helga Gisela Erika Brigitte Ilse "
          "Hildegard Gertrud Elisabeth Margarete Annette Dagmar Jutta Bettina Carina Franziska "
          "Anke Ulrike Simone Daniela Nadine Vanessa Jessica Jennifer Charlotte Greta Frieda",
    "fr": "Marie Nathalie Isabelle Sylvie Catherine Françoise Valérie Christine Monique "
          "Sandrine Véronique Martine Nicole Sophie Stéphanie Céline Julie Aurélie Camille "
          "Émilie Laura Sarah Manon Léa Chloé Emma Inès Jade Louise Alice Lina Zoé Anaïs "
          "Pauline Mathilde Claire Hélène Juliette Élodie Caroline Virginie Florence Brigitte "
          "Danielle Jacqueline Chantal Josiane Colette Geneviève Marie-Claire Marie-Christine "
          "Anne-Marie Marie-France Anne-Sophie Margaux Océane Clémence Agathe Lucie Amélie",
    "es": "María Carmen Josefa Isabel Ana Dolores Pilar Teresa Rosa Francisca Antonia Laura "
          "Mercedes Lucía Cristina Marta Elena Paula Sara Raquel Rocío Manuela Beatriz Silvia "
          "Julia Patricia Encarnación Montserrat Irene Alba Andrea Nuria Sonia Concepción "
          "Rosario Victoria Inmaculada Alicia Esther Claudia Sofía Martina Valeria Daniela "
          "Guadalupe Consuelo Eva Natalia Inés Lorena Noelia Ainhoa Carla Nerea "
          "María_Carmen María_José María_Dolores María_Pilar Ana_María",
    "it": "Maria Anna Giuseppina Rosa Angela Giovanna Teresa Lucia Carmela Caterina "
          "Francesca Antonietta Carla Elena Paola Laura Giulia Chiara Sara Martina Alessia "
          "Federica Valentina Silvia Sofia Aurora Alice Ginevra Emma Giorgia Beatrice Greta "
          "Elisa Roberta Simona Monica Barbara Cristina Daniela Patrizia Rita Luisa Serena",
    "nl": "Maria Johanna Cornelia Anna Wilhelmina Elisabeth Hendrika Petronella Anne Sanne "
          "Lisa Emma Julia Sophie Lotte Eva Fleur Anouk Iris Femke Esther Marieke Linda "
          "Ingrid Marloes Sandra Monique Petra Yvonne Mirjam Karin Ellen Saskia Lieke Noor",
    "pl": "Anna Maria Katarzyna Małgorzata Agnieszka Barbara Ewa Krystyna Elżbieta "
          "Magdalena Joanna Zofia Aleksandra Monika Teresa Danuta Natalia Karolina Marta "
          "Beata Dorota Halina Jadwiga Julia Alicja Wiktoria Zuzanna Maja Oliwia Hanna",
}

LAST = {
    "en": "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore "
          "Jackson Martin Lee Thompson White Harris Clark Lewis Robinson Walker Young Allen "
          "King Wright Scott Hill Green Adams Baker Nelson Carter Mitchell Roberts Turner "
          "Phillips Campbell Parker Evans Edwards Collins Stewart Morris Murphy Cook Rogers "
          "Morgan Cooper Peterson Bailey Reed Kelly Howard Cox Ward Richardson Watson Brooks "
          "Wood James Bennett Gray Hughes Price Sanders Myers Long Ross Foster Powell Jenkins "
          "Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Fisher Palmer Hayes "
          "O'Brien O'Connor McDonald McCarthy Fitzgerald Gallagher Donovan MacLeod Sutherland "
          "Whitaker Ashworth Pemberton Blackwood Thornton Harrington Kensington Loughridge",
    "de": "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann "
          "Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun "
          "Krüger Hofmann Hartmann Lange Schmitt Werner Schmitz Krause Meier Lehmann Schmid "
          "Schulze Maier Köhler Herrmann König Walter Mayer Huber Kaiser Fuchs Peters Lang "
          "Scholz Möller Weiß Jung Hahn Schubert Vogel Friedrich Keller Günther Frank Berger "
          "Winkler Roth Beck Lorenz Baumann Franke Albrecht Schuster Simon Ludwig Böhm "
          "Winter Kraus Martin Schumacher Krämer Vogt Stein Jäger Otto Sommer Groß Seidel "
          "Heinrich Brandt Haas Schreiber Graf Dietrich Ziegler Kuhn Kühn Pohl Engel Horn "
          "von_Bülow von_Stetten Oberhauser Kleinschmidt Großmann Eichhorn Wendlandt",
    "fr": "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon "
          "Laurent Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard "
          "André Lefèvre Mercier Dupont Lambert Bonnet François Martinez Legrand Garnier "
          "Faure Rousseau Blanc Guérin Muller Henry Roussel Nicolas Perrin Morin Mathieu "
          "Clément Gauthier Dumont Lopez Fontaine Chevalier Robin Masson Sanchez Gérard "
          "Nguyen Boyer Denis Lemaire Duval Joly Gautier Roger Roche Roy Noël Meyer Lucas "
          "Meunier Jean Perez Marchand Dufour Blanchard Marie Barbier Brun Dumas Brunet "
          "Schmitt Leroux Colin Fernandez Pierre Renard Arnaud Rolland Caron Aubert Giraud "
          "Le_Gall Le_Roux Lecomte de_la_Tour Delacroix Beauchamp Desjardins Villeneuve",
    "es": "García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Martín "
          "Jiménez Ruiz Hernández Díaz Moreno Muñoz Álvarez Romero Alonso Gutiérrez Navarro "
          "Torres Domínguez Vázquez Ramos Gil Ramírez Serrano Blanco Molina Morales Suárez "
          "Ortega Delgado Castro Ortiz Rubio Marín Sanz Núñez Iglesias Medina Garrido Cortés "
          "Castillo Santos Lozano Guerrero Cano Prieto Méndez Cruz Calvo Gallego Vidal León "
          "Márquez Herrera Peña Flores Cabrera Campos Vega Fuentes Carrasco Diez Caballero "
          "Reyes Nieto Aguilar Pascual Santana Herrero Lorenzo Montero Hidalgo Giménez "
          "Ibáñez Ferrer Durán Santiago Benítez Mora Vicente Vargas Arias Carmona Crespo",
    "it": "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno "
          "Gallo Conti De_Luca Mancini Costa Giordano Rizzo Lombardi Moretti Barbieri "
          "Fontana Santoro Mariani Rinaldi Caruso Ferrara Galli Martini Leone Longo Gentile "
          "Martinelli Vitale Lombardo Serra Coppola De_Santis D'Angelo Marchetti Parisi "
          "Villa Conte Ferraro Ferri Fabbri Bianco Marini Grasso Valentini Messina Sala "
          "De_Angelis Gatti Pellegrini Palumbo Sanna Farina Rizzi Monti Cattaneo Morelli",
    "nl": "de_Jong Jansen de_Vries van_den_Berg van_Dijk Bakker Janssen Visser Smit Meijer "
          "de_Boer Mulder de_Groot Bos Vos Peters Hendriks van_Leeuwen Dekker Brouwer "
          "de_Wit Dijkstra Smits de_Graaf van_der_Meer van_der_Linden Kok Jacobs de_Haan "
          "Vermeulen van_den_Heuvel van_der_Veen van_den_Broek de_Bruijn de_Bruin "
          "van_der_Heijden Schouten van_Beek Willems van_Vliet van_de_Ven Hoekstra Maas "
          "Verhoeven Koster van_Dam van_der_Wal Prins Blom Huisman Peeters de_Leeuw Kuipers",
    "pl": "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński "
          "Szymański Woźniak Dąbrowski Kozłowski Jankowski Mazur Wojciechowski Kwiatkowski "
          "Krawczyk Kaczmarek Piotrowski Grabowski Zając Pawłowski Michalski Król Wieczorek "
          "Jabłoński Wróbel Nowakowski Majewski Olszewski Stępień Malinowski Jaworski Adamczyk "
          "Dudek Nowicki Pawlak Górski Witkowski Walczak Sikora Baran Rutkowski Michalak",
}

# Polish surnames ending in -ski/-cki/-dzki take -ska/-cka/-dzka for women.
POLISH_FEMININE = (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka"))

ZH_SURNAMES = [
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
    ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"), ("徐", "Xu"), ("孙", "Sun"),
    ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"), ("郭", "Guo"), ("何", "He"), ("林", "Lin"),
    ("高", "Gao"), ("罗", "Luo"), ("郑", "Zheng"), ("梁", "Liang"), ("谢", "Xie"), ("宋", "Song"),
    ("唐", "Tang"), ("许", "Xu"), ("韩", "Han"), ("冯", "Feng"), ("邓", "Deng"), ("曹", "Cao"),
    ("彭", "Peng"), ("曾", "Zeng"), ("肖", "Xiao"), ("田", "Tian"), ("董", "Dong"), ("袁", "Yuan"),
    ("潘", "Pan"), ("于", "Yu"), ("蒋", "Jiang"), ("蔡", "Cai"), ("余", "Yu"), ("杜", "Du"),
    ("叶", "Ye"), ("程", "Cheng"), ("苏", "Su"), ("魏", "Wei"), ("吕", "Lyu"), ("丁", "Ding"),
    ("任", "Ren"), ("沈", "Shen"), ("姚", "Yao"), ("卢", "Lu"), ("姜", "Jiang"), ("崔", "Cui"),
    ("钟", "Zhong"), ("谭", "Tan"), ("陆", "Lu"), ("汪", "Wang"), ("范", "Fan"), ("金", "Jin"),
    ("石", "Shi"), ("廖", "Liao"), ("贾", "Jia"), ("夏", "Xia"), ("韦", "Wei"), ("方", "Fang"),
    ("白", "Bai"), ("邹", "Zou"), ("孟", "Meng"), ("熊", "Xiong"), ("秦", "Qin"), ("邱", "Qiu"),
    ("江", "Jiang"), ("尹", "Yin"), ("薛", "Xue"), ("段", "Duan"), ("雷", "Lei"), ("侯", "Hou"),
    ("龙", "Long"), ("史", "Shi"), ("陶", "Tao"), ("贺", "He"), ("顾", "Gu"), ("毛", "Mao"),
    ("郝", "Hao"), ("龚", "Gong"), ("邵", "Shao"), ("钱", "Qian"), ("严", "Yan"), ("戴", "Dai"),
    ("欧阳", "Ouyang"), ("司马", "Sima"), ("诸葛", "Zhuge"),
]

ZH_MALE = [
    ("伟", "Wei"), ("强", "Qiang"), ("磊", "Lei"), ("军", "Jun"), ("洋", "Yang"), ("勇", "Yong"),
    ("杰", "Jie"), ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"), ("刚", "Gang"), ("平", "Ping"),
    ("辉", "Hui"), ("鹏", "Peng"), ("华", "Hua"), ("飞", "Fei"), ("鑫", "Xin"), ("波", "Bo"),
    ("斌", "Bin"), ("宇", "Yu"), ("浩", "Hao"), ("凯", "Kai"), ("健", "Jian"), ("俊", "Jun"),
    ("帆", "Fan"), ("帅", "Shuai"), ("旭", "Xu"), ("宁", "Ning"), ("龙", "Long"), ("林", "Lin"),
    ("建华", "Jianhua"), ("建国", "Jianguo"), ("建军", "Jianjun"), ("志强", "Zhiqiang"),
    ("志明", "Zhiming"), ("晓东", "Xiaodong"), ("小龙", "Xiaolong"), ("海涛", "Haitao"),
    ("文博", "Wenbo"), ("子轩", "Zixuan"), ("浩然", "Haoran"), ("宇轩", "Yuxuan"),
    ("俊杰", "Junjie"), ("家豪", "Jiahao"), ("天佑", "Tianyou"), ("明轩", "Mingxuan"),
    ("国强", "Guoqiang"), ("永强", "Yongqiang"), ("德华", "Dehua"), ("振宇", "Zhenyu"),
    ("立新", "Lixin"), ("红军", "Hongjun"), ("卫东", "Weidong"), ("晨", "Chen"),
]

ZH_FEMALE = [
    ("芳", "Fang"), ("娜", "Na"), ("敏", "Min"), ("静", "Jing"), ("丽", "Li"), ("艳", "Yan"),
    ("娟", "Juan"), ("霞", "Xia"), ("燕", "Yan"), ("玲", "Ling"), ("婷", "Ting"), ("雪", "Xue"),
    ("慧", "Hui"), ("颖", "Ying"), ("琳", "Lin"), ("晶", "Jing"), ("倩", "Qian"), ("洁", "Jie"),
    ("欣", "Xin"), ("佳", "Jia"), ("秀英", "Xiuying"), ("桂英", "Guiying"), ("秀兰", "Xiulan"),
    ("玉兰", "Yulan"), ("桂兰", "Guilan"), ("丽娟", "Lijuan"), ("海燕", "Haiyan"),
    ("晓燕", "Xiaoyan"), ("红梅", "Hongmei"), ("美玲", "Meiling"), ("雨涵", "Yuhan"),
    ("欣怡", "Xinyi"), ("梓涵", "Zihan"), ("诗涵", "Shihan"), ("思琪", "Siqi"), ("雅婷", "Yating"),
    ("佳怡", "Jiayi"), ("婉婷", "Wanting"), ("晓红", "Xiaohong"), ("丽华", "Lihua"),
    ("春梅", "Chunmei"), ("淑珍", "Shuzhen"), ("淑华", "Shuhua"), ("文静", "Wenjing"),
    ("梦瑶", "Mengyao"), ("一诺", "Yinuo"), ("子涵", "Zihan"), ("雨欣", "Yuxin"),
]

# Pinyin syllables, for writing a two-syllable given name as "Xiao Ming" or "Xiao-Ming".
PINYIN_SYLLABLES = sorted({
    "a", "ai", "an", "ang", "ao", "ba", "bai", "bin", "bo", "cao", "chao", "chen", "cheng",
    "chun", "dong", "de", "fang", "fei", "feng", "gang", "guan", "gui", "guo", "hai", "han",
    "hao", "hong", "hua", "hui", "jia", "jian", "jiang", "jie", "jin", "jing", "jun", "kai",
    "lan", "lei", "li", "lin", "ling", "long", "mei", "meng", "min", "ming", "na", "ning",
    "nuo", "ping", "qi", "qian", "qiang", "ran", "shi", "shu", "shuai", "si", "tao", "tian",
    "ting", "wan", "wei", "wen", "xi", "xia", "xiao", "xin", "xiu", "xu", "xuan", "xue",
    "yan", "yang", "yao", "yi", "ying", "yong", "you", "yu", "yuan", "yue", "zhen", "zhi",
    "zhu", "zi", "dan", "hang", "huan", "liang", "qing", "rong", "sheng", "song",
}, key=len, reverse=True)

# A few full names that are very common in each locale: (first, last, sex); Chinese as
# ((given Hanzi, given pinyin), (family Hanzi, family pinyin), sex).
COMMON_NAMES = {
    "en": [("John", "Smith", "M"), ("Mary", "Smith", "F"), ("James", "Johnson", "M"),
           ("Michael", "Brown", "M"), ("Sarah", "Williams", "F"), ("David", "Jones", "M")],
    "de": [("Thomas", "Müller", "M"), ("Michael", "Schmidt", "M"), ("Anna", "Müller", "F"),
           ("Sabine", "Schneider", "F"), ("Peter", "Fischer", "M")],
    "fr": [("Jean", "Martin", "M"), ("Marie", "Martin", "F"), ("Pierre", "Dubois", "M"),
           ("Nathalie", "Bernard", "F"), ("Michel", "Thomas", "M")],
    "es": [("María", "García", "F"), ("José", "García", "M"), ("Antonio", "Rodríguez", "M"),
           ("Carmen", "López", "F"), ("Manuel", "Fernández", "M")],
    "it": [("Giuseppe", "Rossi", "M"), ("Maria", "Russo", "F"), ("Giovanni", "Ferrari", "M"),
           ("Anna", "Esposito", "F")],
    "nl": [("Jan", "de Jong", "M"), ("Maria", "Jansen", "F"), ("Peter", "de Vries", "M")],
    "pl": [("Piotr", "Nowak", "M"), ("Anna", "Nowak", "F"), ("Krzysztof", "Kowalski", "M")],
    "zh": [(("伟", "Wei"), ("王", "Wang"), "M"), (("芳", "Fang"), ("王", "Wang"), "F"),
           (("伟", "Wei"), ("李", "Li"), "M"), (("娜", "Na"), ("李", "Li"), "F"),
           (("敏", "Min"), ("张", "Zhang"), "F"), (("静", "Jing"), ("刘", "Liu"), "F"),
           (("磊", "Lei"), ("陈", "Chen"), "M")],
}

# Nicknames and short forms (formal name -> what people are also called).
NICKNAMES = {
    "en": {
        "William": ["Bill", "Will", "Billy", "Liam"], "Robert": ["Bob", "Rob", "Bobby", "Bert"],
        "Richard": ["Rick", "Dick", "Rich"], "James": ["Jim", "Jimmy", "Jamie"],
        "John": ["Johnny", "Jack"], "Michael": ["Mike", "Mick", "Mikey"],
        "Joseph": ["Joe", "Joey"], "Thomas": ["Tom", "Tommy"], "Charles": ["Charlie", "Chuck"],
        "Christopher": ["Chris", "Kit"], "Daniel": ["Dan", "Danny"], "Matthew": ["Matt"],
        "Anthony": ["Tony"], "Donald": ["Don"], "Steven": ["Steve"], "Andrew": ["Andy", "Drew"],
        "Joshua": ["Josh"], "Kenneth": ["Ken", "Kenny"], "Timothy": ["Tim"],
        "Ronald": ["Ron", "Ronnie"], "Edward": ["Ed", "Eddie", "Ted"], "Jeffrey": ["Jeff"],
        "Jacob": ["Jake"], "Nicholas": ["Nick"], "Jonathan": ["Jon"], "Stephen": ["Steve"],
        "Lawrence": ["Larry"], "Benjamin": ["Ben", "Benny"], "Samuel": ["Sam"],
        "Gregory": ["Greg"], "Alexander": ["Alex", "Sandy"], "Patrick": ["Pat", "Paddy"],
        "Raymond": ["Ray"], "Gerald": ["Gerry"], "Douglas": ["Doug"], "Peter": ["Pete"],
        "Zachary": ["Zach"], "Harold": ["Harry", "Hal"], "Henry": ["Hank", "Harry"],
        "Elizabeth": ["Liz", "Beth", "Betsy", "Lizzie", "Eliza"], "Margaret": ["Maggie", "Peggy",
                                                                             "Meg"],
        "Patricia": ["Pat", "Patty", "Trish"], "Jennifer": ["Jen", "Jenny"],
        "Barbara": ["Barb"], "Susan": ["Sue", "Susie"], "Jessica": ["Jess"],
        "Kimberly": ["Kim"], "Deborah": ["Debbie", "Deb"], "Rebecca": ["Becky", "Becca"],
        "Katherine": ["Kate", "Katie", "Kathy"], "Catherine": ["Cathy", "Kate"],
        "Christine": ["Chris", "Tina"], "Samantha": ["Sam"], "Victoria": ["Vicky", "Tori"],
        "Judith": ["Judy"], "Abigail": ["Abby"], "Dorothy": ["Dot", "Dottie"],
        "Pamela": ["Pam"], "Cynthia": ["Cindy"], "Stephanie": ["Steph"], "Amanda": ["Mandy"],
        "Virginia": ["Ginny"], "Frances": ["Fran"], "Kathleen": ["Kathy"],
    },
    "de": {
        "Johannes": ["Hans", "Jo"], "Friedrich": ["Fritz"], "Wolfgang": ["Wolf"],
        "Alexander": ["Alex"], "Maximilian": ["Max"], "Christian": ["Chris"],
        "Matthias": ["Matze"], "Sebastian": ["Basti"], "Tobias": ["Tobi"],
        "Wilhelm": ["Willi"], "Heinrich": ["Heinz"], "Katharina": ["Kathi", "Katja"],
        "Elisabeth": ["Lisa", "Elli", "Sissi"], "Margarete": ["Grete", "Margot"],
        "Johanna": ["Hanna"], "Franziska": ["Franzi"], "Gabriele": ["Gabi"],
        "Stefanie": ["Steffi"], "Susanne": ["Susi"], "Christine": ["Christa"],
        "Daniela": ["Dani"], "Andreas": ["Andi"], "Michael": ["Micha"], "Thomas": ["Tom"],
    },
    "fr": {
        "Frédéric": ["Fred"], "Dominique": ["Dom"], "Jean-Baptiste": ["JB"],
        "Alexandre": ["Alex"], "Maxime": ["Max"], "Guillaume": ["Guigui"],
        "Christophe": ["Chris"], "Nicolas": ["Nico"], "Sébastien": ["Seb"],
        "Stéphanie": ["Steph"], "Catherine": ["Cathy"], "Isabelle": ["Isa"],
        "Jean-Pierre": ["JP"], "Jean-Claude": ["JC"], "Marie-Christine": ["Marie"],
        "Anne-Sophie": ["Anne"], "Véronique": ["Véro"], "Valérie": ["Val"],
    },
    "es": {
        "Francisco": ["Paco", "Pancho", "Curro"], "José": ["Pepe", "Chema"],
        "Manuel": ["Manolo", "Lolo"], "Enrique": ["Quique"], "Ignacio": ["Nacho"],
        "Jesús": ["Chucho", "Chus"], "Guadalupe": ["Lupe"], "Dolores": ["Lola"],
        "Concepción": ["Concha", "Conchi"], "Mercedes": ["Merche"], "Rosario": ["Charo"],
        "Antonio": ["Toño", "Antón"], "Alejandro": ["Álex"], "Fernando": ["Nando"],
        "Guillermo": ["Memo"], "Encarnación": ["Encarna"], "Inmaculada": ["Inma"],
        "José Luis": ["Pepe Luis"], "Francisco Javier": ["Javier", "Fran"],
        "María José": ["Marijose"], "María Carmen": ["Mari Carmen", "Carmen"],
        "María Dolores": ["Lola", "Mariló"], "María Pilar": ["Pilar"],
    },
    "it": {
        "Giuseppe": ["Beppe", "Peppe", "Pino"], "Giovanni": ["Gianni", "Nanni"],
        "Francesco": ["Franco", "Cecco"], "Alessandro": ["Sandro", "Alex"],
        "Salvatore": ["Totò", "Turi"], "Vincenzo": ["Enzo"], "Domenico": ["Mimmo"],
        "Antonio": ["Tonino", "Totò"], "Giuseppina": ["Pina", "Peppina"],
        "Francesca": ["Franca"], "Antonietta": ["Tonia"], "Caterina": ["Rina"],
        "Roberto": ["Berto"], "Massimo": ["Max"], "Federico": ["Fede"],
    },
    "nl": {
        "Johannes": ["Jan", "Hans", "Johan"], "Cornelis": ["Kees", "Cor"],
        "Hendrik": ["Henk"], "Willem": ["Wim"], "Jacobus": ["Koos", "Jaap"],
        "Adrianus": ["Adrie", "Arie"], "Pieter": ["Piet"], "Gerrit": ["Gert"],
        "Wilhelmina": ["Mien", "Willy"], "Johanna": ["Jo", "Anneke"],
        "Cornelia": ["Corrie", "Cor"], "Petronella": ["Nel", "Petra"],
        "Hendrika": ["Riek", "Henny"], "Elisabeth": ["Lies", "Els"],
    },
    "pl": {
        "Krzysztof": ["Krzysiek"], "Aleksander": ["Olek"], "Stanisław": ["Staszek"],
        "Józef": ["Józek"], "Wojciech": ["Wojtek"], "Małgorzata": ["Gosia", "Małgosia"],
        "Katarzyna": ["Kasia"], "Aleksandra": ["Ola"], "Magdalena": ["Magda"],
        "Agnieszka": ["Aga"], "Elżbieta": ["Ela"], "Joanna": ["Asia"], "Zofia": ["Zosia"],
        "Tomasz": ["Tomek"], "Michał": ["Misiek"], "Jakub": ["Kuba"], "Paweł": ["Pawełek"],
    },
}

# Places: city -> (postcode prefix or range, phone area code); street names per locale.
CITIES = {
    "en": [("New York", "100", "212"), ("Los Angeles", "900", "213"), ("Chicago", "606", "312"),
           ("Houston", "770", "713"), ("Phoenix", "850", "602"), ("Philadelphia", "191", "215"),
           ("San Antonio", "782", "210"), ("San Diego", "921", "619"), ("Dallas", "752", "214"),
           ("Austin", "787", "512"), ("Seattle", "981", "206"), ("Denver", "802", "303"),
           ("Boston", "021", "617"), ("Portland", "972", "503"), ("Atlanta", "303", "404"),
           ("Miami", "331", "305"), ("Minneapolis", "554", "612"), ("Springfield", "627", "217"),
           ("Columbus", "432", "614"), ("Nashville", "372", "615")],
    "de": [("Berlin", "10", "30"), ("Hamburg", "20", "40"), ("München", "80", "89"),
           ("Köln", "50", "221"), ("Frankfurt am Main", "60", "69"), ("Stuttgart", "70", "711"),
           ("Düsseldorf", "40", "211"), ("Leipzig", "04", "341"), ("Dortmund", "44", "231"),
           ("Essen", "45", "201"), ("Bremen", "28", "421"), ("Dresden", "01", "351"),
           ("Hannover", "30", "511"), ("Nürnberg", "90", "911"), ("Freiburg im Breisgau", "79",
                                                                   "761")],
    "fr": [("Paris", "750", "1"), ("Marseille", "130", "4"), ("Lyon", "690", "4"),
           ("Toulouse", "310", "5"), ("Nice", "060", "4"), ("Nantes", "440", "2"),
           ("Strasbourg", "670", "3"), ("Montpellier", "340", "4"), ("Bordeaux", "330", "5"),
           ("Lille", "590", "3"), ("Rennes", "350", "2"), ("Saint-Étienne", "420", "4")],
    "es": [("Madrid", "280", "91"), ("Barcelona", "080", "93"), ("Valencia", "460", "96"),
           ("Sevilla", "410", "95"), ("Zaragoza", "500", "976"), ("Málaga", "290", "95"),
           ("Murcia", "300", "968"), ("Palma", "070", "971"), ("Bilbao", "480", "94"),
           ("Alicante", "030", "96"), ("A Coruña", "150", "981")],
    "it": [("Roma", "001", "06"), ("Milano", "201", "02"), ("Napoli", "801", "081"),
           ("Torino", "101", "011"), ("Palermo", "901", "091"), ("Genova", "161", "010"),
           ("Bologna", "401", "051"), ("Firenze", "501", "055"), ("Bari", "701", "080")],
    "nl": [("Amsterdam", "10", "20"), ("Rotterdam", "30", "10"), ("Den Haag", "25", "70"),
           ("Utrecht", "35", "30"), ("Eindhoven", "56", "40"), ("Groningen", "97", "50"),
           ("Tilburg", "50", "13")],
    "pl": [("Warszawa", "0", "22"), ("Kraków", "3", "12"), ("Łódź", "9", "42"),
           ("Wrocław", "5", "71"), ("Poznań", "6", "61"), ("Gdańsk", "8", "58")],
    "zh": [("Beijing", "100", "10"), ("Shanghai", "200", "21"), ("Guangzhou", "510", "20"),
           ("Shenzhen", "518", "755"), ("Chengdu", "610", "28"), ("Hangzhou", "310", "571"),
           ("Wuhan", "430", "27"), ("Nanjing", "210", "25")],
}

# Streets are built from a name and a type: "Linden" + "straße", "rue" + "Victor Hugo".
# (name pool separated by ";", types with their weights, how they are put together).
STREET_NAMES = {
    "en": "Main;Oak;Maple;Cedar;Pine;Elm;Washington;Lake;Hill;Park;Church;Mill;Highland;"
          "Sunset;Jefferson;Lincoln;Madison;Franklin;Riverside;Spring;Forest;Meadow;Valley;"
          "Walnut;Chestnut;Willow;Cherry;Center;North;South;Broad;Market;Union;Jackson;Adams;"
          "Birch;Spruce;Hickory;Magnolia;Dogwood;Laurel;Poplar;Sycamore;Ridge;Grove;Orchard;"
          "Prospect;River;School;Summit;Warren;Water;Wilson;King;Front;Bridge;High;Academy",
    "de": "Linden;Birken;Eichen;Ahorn;Buchen;Tannen;Rosen;Tulpen;Nelken;Garten;Schul;Kirch;"
          "Bahnhof;Haupt;Dorf;Berg;Wald;Feld;Wiesen;Mühlen;Schiller;Goethe;Lessing;Uhland;"
          "Mozart;Beethoven;Bach;Kant;Heine;Friedrich;Wilhelm;Luisen;Post;Markt;Brunnen;"
          "Sonnen;Blumen;Jahn;Bismarck;Hölderlin;Fichte;Raiffeisen;Industrie;Mittel;Kreuz;"
          "Burg;Schloss;See;Hafen;Brücken",
    "fr": "de la Paix;Victor Hugo;Jean Jaurès;Voltaire;de la République;de l'Église;Pasteur;"
          "des Écoles;des Vignes;des Tilleuls;du Moulin;des Lilas;de la Gare;"
          "de la Libération;Jean Moulin;du Général de Gaulle;Gambetta;Nationale;des Roses;"
          "Foch;Émile Zola;Jules Ferry;de Verdun;de la Mairie;du Château;des Acacias;du Stade;"
          "de Paris;Carnot;Saint-Martin;des Prés;du Port;de la Fontaine;Anatole France;"
          "Molière;Racine;Lamartine;Condorcet;Marcel Pagnol;des Peupliers",
    "es": "Mayor;Real;de la Constitución;del Sol;de España;San Juan;Nueva;del Prado;"
          "de Alcalá;Luna;de la Iglesia;de Andalucía;Cervantes;del Carmen;del Mar;Santa Ana;"
          "Valencia;Goya;de la Paz;de Colón;San Francisco;de Castilla;del Rosario;"
          "Pablo Picasso;Miguel Hernández;de los Olivos;de las Flores;del Pilar;"
          "Federico García Lorca;Antonio Machado;de la Libertad;de Toledo;del Río;"
          "de la Fuente;Ramón y Cajal;Blasco Ibáñez",
    "it": "Roma;Garibaldi;Mazzini;Vittorio Emanuele;del Duomo;Dante;Verdi;Europa;Cavour;"
          "Marconi;Matteotti;Manzoni;Italia;XX Settembre;della Repubblica;San Francesco;"
          "Gramsci;della Libertà;Leopardi;Petrarca;dei Mille;Nazionale;Kennedy;Carducci;"
          "Pascoli;Puccini;Michelangelo;Galilei;Colombo;Trieste;Milano;Aldo Moro",
    "nl": "Kerk;School;Molen;Dorps;Stations;Juliana;Beatrix;Park;Nieuw;Wilhelmina;"
          "Kastanje;Eiken;Linden;Berken;Beuken;Hoofd;Oranje;Emma;Prins Hendrik;Nassau;Tuin;"
          "Zuid;Noord;Oost;West;Vijver;Bloemen;Dijk;Haven;Spoor",
    "pl": "Kwiatowa;Polna;Leśna;Słoneczna;Krótka;Szkolna;Ogrodowa;Lipowa;Mickiewicza;"
          "Brzozowa;Łąkowa;Kościuszki;Sienkiewicza;Długa;Zielona;Kolejowa;Parkowa;Wiejska;"
          "Spacerowa;Piękna;Kościelna;Jana Pawła II;Słowackiego;Konopnickiej;Prusa;"
          "Reymonta;Żeromskiego;Chopina;Kopernika;Piłsudskiego;Wojska Polskiego;Partyzantów;"
          "Armii Krajowej;3 Maja;Rynek;Młyńska;Wodna;Sportowa;Jasna;Cicha;Wrzosowa;Różana;"
          "Modrzewiowa;Sosnowa;Dębowa;Klonowa;Akacjowa;Jaśminowa;Fiołkowa",
    "zh": "Jianguo;Renmin;Zhongshan;Jiefang;Heping;Changan;Nanjing;Huaihai;Xinhua;Dongfeng;"
          "Wenhua;Yingbin;Beijing;Shanghai;Guangming;Xingfu;Minzhu;Chaoyang;Jinxiu;Qingnian;"
          "Gongye;Huanghe;Changjiang;Taishan;Kunlun;Tianshan;Binhe;Hubin;Shuguang;Hongqi;"
          "Youyi;Zhongxing;Fuxing;Yanan;Xiangyang;Chunhui;Jinqiao;Longhua;Baiyun;Tianhe",
}
STREET_TYPES = {
    "en": [("Street", 0.35), ("Avenue", 0.15), ("Road", 0.15), ("Lane", 0.08),
           ("Drive", 0.12), ("Court", 0.05), ("Place", 0.05), ("Boulevard", 0.05)],
    "de": [("straße", 0.6), ("weg", 0.2), ("allee", 0.08), ("platz", 0.05), ("ring", 0.04),
           ("gasse", 0.03)],
    "fr": [("rue", 0.55), ("avenue", 0.15), ("boulevard", 0.08), ("place", 0.05),
           ("chemin", 0.08), ("allée", 0.05), ("impasse", 0.04)],
    "es": [("Calle", 0.6), ("Avenida", 0.15), ("Plaza", 0.08), ("Paseo", 0.07),
           ("Camino", 0.05), ("Travesía", 0.05)],
    "it": [("Via", 0.65), ("Viale", 0.12), ("Piazza", 0.08), ("Corso", 0.08),
           ("Vicolo", 0.04), ("Largo", 0.03)],
    "nl": [("straat", 0.5), ("weg", 0.2), ("laan", 0.15), ("plein", 0.05), ("singel", 0.05),
           ("kade", 0.05)],
    "pl": [("ul.", 0.85), ("al.", 0.1), ("pl.", 0.05)],
    "zh": [("Lu", 0.6), ("Jie", 0.2), ("Dajie", 0.1), ("Dadao", 0.1)],
}
ZH_DIRECTIONS = ["", "", "", "Dong", "Xi", "Nan", "Bei", "Zhong"]

STREET_TYPES_EN = [("Street", "St"), ("Avenue", "Ave"), ("Road", "Rd"), ("Lane", "Ln"),
                   ("Drive", "Dr"), ("Court", "Ct"), ("Place", "Pl"), ("Boulevard", "Blvd")]

# How a street word is written short in some records (full, abbreviations).
STREET_ABBREVIATIONS = [
    ("straße", ["str.", "strasse", "str"]), ("Straße", ["Str.", "Strasse"]),
    ("avenue", ["av.", "ave"]), ("boulevard", ["bd", "bld"]), ("rue", ["r."]),
    ("Calle", ["C/", "C."]), ("Avenida", ["Avda.", "Av."]), ("Plaza", ["Pza.", "Pl."]),
    ("Paseo", ["Pº", "Pso."]), ("Via", ["V."]), ("Piazza", ["P.za", "P.zza"]),
    ("Corso", ["C.so"]), ("Viale", ["V.le"]), ("Dadao", ["Avenue", "Ave"]),
    ("Dajie", ["Street", "St"]), ("Lu", ["Road", "Rd"]), ("Jie", ["Street", "St"]),
    ("allée", ["all."]), ("allee", ["al."]), ("ul.", ["ulica", "ul"]), ("Travesía", ["Trav."]),
    ("weg", ["wg"]), ("laan", ["ln"]),
]

EMAIL_DOMAINS = {
    "en": ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "aol.com",
           "comcast.net"],
    "de": ["gmx.de", "web.de", "t-online.de", "gmail.com", "freenet.de", "posteo.de"],
    "fr": ["orange.fr", "free.fr", "laposte.net", "gmail.com", "sfr.fr", "wanadoo.fr"],
    "es": ["gmail.com", "hotmail.es", "yahoo.es", "telefonica.net", "outlook.es"],
    "it": ["libero.it", "virgilio.it", "gmail.com", "tiscali.it", "alice.it"],
    "nl": ["ziggo.nl", "kpnmail.nl", "gmail.com", "hotmail.nl", "xs4all.nl"],
    "pl": ["wp.pl", "onet.pl", "o2.pl", "interia.pl", "gmail.com"],
    "zh": ["qq.com", "163.com", "126.com", "sina.com", "gmail.com", "foxmail.com"],
}

FAMILY_MAILBOX = {
    "en": ["the{l}s", "{l}family", "{l}.family", "{l}{a}{b}"],
    "de": ["familie.{l}", "fam.{l}", "{l}.familie", "{l}{a}{b}"],
    "fr": ["famille.{l}", "{l}.famille", "{a}{b}.{l}"],
    "es": ["familia.{l}", "fam{l}", "{l}{a}{b}"],
    "it": ["famiglia.{l}", "{l}.famiglia", "{l}{a}{b}"],
    "nl": ["familie{l}", "fam.{l}", "{l}{a}{b}"],
    "pl": ["rodzina.{l}", "{l}.dom", "{l}{a}{b}"],
    "zh": ["{l}jia", "{l}{a}{b}", "{l}family"],
}

COMPANIES = ["Acme Logistics", "Northwind Traders", "Globex", "Initech", "Umbrella Health",
             "Stark Components", "Wayne Facilities", "Hooli", "Vandelay Industries",
             "Soylent Foods", "Tyrell Systems", "Cyberdyne Services", "Wonka Confectionery",
             "Gringotts Finance", "Oceanic Airlines", "Monarch Insurance", "Blue Sun Retail",
             "Massive Dynamic", "Pied Piper", "Aperture Labs"]

# Countries: calling code, trunk prefix, mobile prefixes, number length after the prefix.
PHONE_PLANS = {
    "en": ("1", "", None, 7),
    "de": ("49", "0", ["151", "152", "160", "162", "170", "171", "172", "176", "177", "179"], 8),
    "fr": ("33", "0", ["6", "7"], 8),
    "es": ("34", "", ["6", "7"], 8),
    "it": ("39", "", ["320", "328", "333", "338", "340", "347", "349", "366", "380", "393"], 7),
    "nl": ("31", "0", ["6"], 8),
    "pl": ("48", "", ["50", "51", "53", "57", "60", "66", "69", "72", "78", "88"], 7),
    "zh": ("86", "0", ["130", "135", "138", "139", "150", "158", "186", "189"], 8),
}

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]

# Placeholders that systems and people type where a value is unknown or refused.
JUNK = {
    "first_name": ["xxx", "N/A", "test", "unknown", "-", "none", "TEST", "asdf", "X", "."],
    "last_name": ["xxx", "N/A", "test", "unknown", "-", "none", "TEST", "customer", "X"],
    "full_name": ["xxx", "N/A", "test test", "unknown", "Customer", "TEST USER", "guest"],
    "email": ["test@test.com", "noemail@noemail.com", "none@none.com", "a@a.com", "x@x.com",
              "no@email.com", "n/a", "info@example.com"],
    "phone": ["000-000-0000", "0000000000", "1234567890", "999-999-9999", "N/A", "0",
              "+00 000 000000"],
    "mobile": ["000-000-0000", "0000000000", "1234567890", "N/A", "0", "111111111"],
    "dob": ["1900-01-01", "01/01/1900", "1970-01-01", "0000-00-00", "1111-11-11"],
    "address": ["N/A", "unknown", "xxx", "no address", "-", "test street 1"],
    "postcode": ["00000", "99999", "N/A", "0"],
    "city": ["unknown", "N/A", "xxx", "-"],
}

# Keys next to each other on a QWERTY keyboard (for substitution typos).
KEYBOARD = {
    "q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij",
    "i": "uok", "o": "ipl", "p": "ol", "a": "qsz", "s": "awdz", "d": "sefx", "f": "drgc",
    "g": "fthv", "h": "gyjb", "j": "hukn", "k": "jilm", "l": "kop", "z": "asx", "x": "zsdc",
    "c": "xdfv", "v": "cfgb", "b": "vghn", "n": "bhjm", "m": "njk",
}

# Letters that ASCII folding does not reach by dropping accents.
FOLD = {"ß": "ss", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe",
        "Œ": "OE", "đ": "d", "ı": "i"}
UMLAUT_E = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}


def split_pool(text: str, separator: str | None = None) -> list[str]:
    """A pool written as one string: split on whitespace, ``_`` joins a name of several
    words (``de_Jong``); or split on ``separator``."""
    if separator:
        return [t.strip() for t in text.split(separator)]
    return list(dict.fromkeys(t.replace("_", " ") for t in text.split()))
